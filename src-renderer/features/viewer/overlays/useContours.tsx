import { FormControlLabel, MenuItem, Switch, TextField } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMemo, type ReactNode } from 'react';
import type { PixelsDto } from '../../../../src-main/common/workbench-dto.js';
import { contourLevels, contourSegments } from '../../../../src-workers/core/viewer/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import type { Limits } from '../../../components/display/index.js';
import { contourPainter, type OverlayPainter } from './painters.js';

interface ContourSettings {
  on: boolean;
  count: number;
  spacing: 'linear' | 'log';
}

/**
 * Contours (K): `count` levels from the display's high limit (the top of the sky noise under zscale) to
 * the frame's peak, spaced logarithmically [default] or linearly, so they outline sources; traced by
 * core/viewer's marching squares on the screen-size preview where the frame has one (a 4096² frame is
 * contoured at 1024², the scale the fitted view shows).
 */
export function useContours(
  pixels: PixelsDto | undefined,
  limits: Limits,
): { painter: OverlayPainter | null; controls: ReactNode } {
  const theme = useTheme();
  const [s, set] = useViewState<ContourSettings>('viewer.contours', { on: false, count: 5, spacing: 'log' });
  const peak = useMemo(() => {
    let m = -Infinity;
    if (pixels) for (const v of pixels.data) if (v > m) m = v;
    return m;
  }, [pixels]);
  const levels = useMemo(
    () => (s.on ? contourLevels(limits.hi, peak, s.count, s.spacing) : []),
    [s.on, s.count, s.spacing, limits.hi, peak],
  );
  const contours = useMemo(
    () => (pixels && levels.length ? contourSegments(pixels.data, pixels.width, pixels.height, levels) : null),
    [pixels, levels],
  );
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'k') return false;
    set((c) => ({ ...c, on: !c.on }));
    return true;
  });
  const colour = theme.palette.warning.main;
  const painter = useMemo(
    () => (contours && pixels ? contourPainter(contours, pixels.binning, colour) : null),
    [contours, pixels, colour],
  );
  const controls = (
    <>
      <FormControlLabel
        control={
          <Switch
            checked={s.on}
            onChange={(e) => set((c) => ({ ...c, on: e.target.checked }))}
            slotProps={{ input: { 'aria-label': 'Contours (K)' } }}
          />
        }
        label="Contours (K)"
      />
      <TextField
        size="small"
        label="Levels"
        type="number"
        value={s.count}
        disabled={!s.on}
        onChange={(e) =>
          set((c) => ({ ...c, count: Math.min(32, Math.max(1, Math.round(Number(e.target.value)) || 1)) }))
        }
        sx={{ width: 80 }}
      />
      <TextField
        select
        size="small"
        label="Spacing"
        value={s.spacing}
        disabled={!s.on}
        onChange={(e) => set((c) => ({ ...c, spacing: e.target.value as ContourSettings['spacing'] }))}
        sx={{ width: 100 }}
      >
        <MenuItem value="linear">linear</MenuItem>
        <MenuItem value="log">log</MenuItem>
      </TextField>
      {contours && pixels && (
        <span
          data-testid="contours"
          data-levels={JSON.stringify(levels)}
          data-peak={peak}
          data-binning={pixels.binning}
          data-first-segments={JSON.stringify(contours.map((c) => Array.from(c.segments.subarray(0, 4))))}
          data-segment-counts={contours.map((c) => c.segments.length / 4).join(',')}
          style={{ display: 'none' }}
        />
      )}
    </>
  );
  return { painter, controls };
}
