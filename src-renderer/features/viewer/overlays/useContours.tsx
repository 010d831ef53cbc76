import { FormControlLabel, MenuItem, Switch, TextField } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { PixelsDto } from '../../../../src-main/common/workbench-dto.js';
import { contourLevels, contourSegments, type ContourLevel } from '../../../../src-workers/core/viewer/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import type { Limits } from '../../../components/display/index.js';
import { contourPainter, type OverlayPainter } from './painters.js';

interface ContourSettings {
  on: boolean;
  count: number;
  spacing: 'linear' | 'log';
}

/** The worker that traces contours, started on first use and kept for the page's lifetime. */
let worker: Worker | null | undefined;
function contourWorker(): Worker | null {
  if (worker === undefined) {
    try {
      worker = new Worker(new URL('./contour.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      worker = null;
    }
  }
  return worker;
}
let nextRequest = 0;

/**
 * The contours of `pixels` at `levels`, traced in a worker (on the main thread only where workers are not
 * available); null until the current request's answer is here, so contours of a previous frame or level
 * set are never drawn on this one.
 */
function useContourWorker(
  pixels: PixelsDto | undefined,
  levels: readonly number[],
): { levels: ContourLevel[]; binning: number; where: 'worker' | 'main' } | null {
  const [result, setResult] = useState<{
    id: number;
    pixels: PixelsDto;
    levelsKey: string;
    levels: ContourLevel[];
    binning: number;
    where: 'worker' | 'main';
  } | null>(null);
  const levelsKey = levels.join(',');
  const current = useRef(-1);
  useEffect(() => {
    const id = ++nextRequest;
    current.current = id;
    if (!pixels || levels.length === 0) {
      setResult(null);
      return;
    }
    const w = contourWorker();
    if (!w) {
      const traced = contourSegments(pixels.data, pixels.width, pixels.height, levels);
      setResult({ id, pixels, levelsKey, levels: traced, binning: pixels.binning, where: 'main' });
      return;
    }
    const onMessage = (e: MessageEvent<{ id: number; ok: boolean; levels?: ContourLevel[] }>): void => {
      if (e.data.id !== id || current.current !== id) return;
      w.removeEventListener('message', onMessage);
      setResult(
        e.data.ok && e.data.levels
          ? { id, pixels, levelsKey, levels: e.data.levels, binning: pixels.binning, where: 'worker' }
          : null,
      );
    };
    w.addEventListener('message', onMessage);
    // A copy goes to the worker: the frame's own pixels stay with the viewer.
    w.postMessage({ id, data: pixels.data.slice(), width: pixels.width, height: pixels.height, levels: [...levels] });
    return () => w.removeEventListener('message', onMessage);
  }, [pixels, levels, levelsKey]);
  // Only the answer for these pixels and levels: a previous frame's contours are never drawn on this one.
  return result && result.pixels === pixels && result.levelsKey === levelsKey ? result : null;
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
  const contours = useContourWorker(pixels, levels);
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'k') return false;
    set((c) => ({ ...c, on: !c.on }));
    return true;
  });
  const colour = theme.palette.warning.main;
  const painter = useMemo(
    () => (contours ? contourPainter(contours.levels, contours.binning, colour) : null),
    [contours, colour],
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
          data-binning={contours.binning}
          data-traced-in={contours.where}
          data-first-segments={JSON.stringify(contours.levels.map((c) => Array.from(c.segments.subarray(0, 4))))}
          data-segment-counts={contours.levels.map((c) => c.segments.length / 4).join(',')}
          style={{ display: 'none' }}
        />
      )}
    </>
  );
  return { painter, controls };
}
