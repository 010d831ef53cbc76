import { Box, Button, ToggleButton } from '@mui/material';
import type { ReactNode } from 'react';
import { useKeyboard } from '../../app/shortcuts.js';
import { useViewState } from '../../app/view-state.js';
import { NO_ORIENTATION, type Orientation, type RotationDeg } from './view-transform.js';

const TURNS: RotationDeg[] = [0, 90, 180, 270];

/** The next orientation after a counter-clockwise (`+90`) or clockwise (`-90`) quarter turn. */
export function turned(o: Orientation, stepDeg: 90 | -90): Orientation {
  const i = TURNS.indexOf(o.rotationDeg);
  return { ...o, rotationDeg: TURNS[(i + (stepDeg > 0 ? 1 : 3)) % 4] };
}

/**
 * The viewer's rotation and flips, as DS9's Zoom menu offers them: T turns 90° counter-clockwise (Shift+T
 * clockwise), X and Y mirror the image's axes, and the buttons do the same. Kept per session like the
 * other view settings.
 */
export function useOrientation(): { orient: Orientation; controls: ReactNode } {
  const [orient, setOrient] = useViewState<Orientation>('viewer.orientation', NO_ORIENTATION);
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const k = e.key.toLowerCase();
    if (k === 't') setOrient((o) => turned(o, e.shiftKey ? -90 : 90));
    else if (k === 'x') setOrient((o) => ({ ...o, flipX: !o.flipX }));
    else if (k === 'y') setOrient((o) => ({ ...o, flipY: !o.flipY }));
    else return false;
    return true;
  });
  const controls = (
    <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center' }} data-testid="orientation-controls">
      <Button
        size="small"
        variant="outlined"
        title="Turn 90° clockwise (Shift+T)"
        onClick={() => setOrient((o) => turned(o, -90))}
      >
        ↻ 90°
      </Button>
      <Button
        size="small"
        variant="outlined"
        title="Turn 90° counter-clockwise (T)"
        onClick={() => setOrient((o) => turned(o, 90))}
      >
        ↺ 90°
      </Button>
      <ToggleButton
        size="small"
        value="x"
        selected={orient.flipX}
        title="Mirror the image's x axis (X)"
        onChange={() => setOrient((o) => ({ ...o, flipX: !o.flipX }))}
      >
        Flip X
      </ToggleButton>
      <ToggleButton
        size="small"
        value="y"
        selected={orient.flipY}
        title="Mirror the image's y axis (Y)"
        onChange={() => setOrient((o) => ({ ...o, flipY: !o.flipY }))}
      >
        Flip Y
      </ToggleButton>
      <Button
        size="small"
        disabled={orient.rotationDeg === 0 && !orient.flipX && !orient.flipY}
        onClick={() => setOrient(NO_ORIENTATION)}
      >
        Reset
      </Button>
    </Box>
  );
  return { orient, controls };
}
