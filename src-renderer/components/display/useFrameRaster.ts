/**
 * React side of `FrameRaster` and `DisplayWorker`, for the viewer's stage: one raster per canvas, drawn
 * in the next animation frame whenever the frame, its settings, the view or the size change; and
 * display limits of a frame from a strided sample, computed in the shared display worker.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { DisplayWorker, stridedSample, type SampleLimits } from './display-worker.js';
import type { LimitsRequest } from './display-work.js';
import { createFrameRaster, type FrameRaster, type FrameRasterOptions, type RasterFrame } from './frame-raster.js';

/**
 * Draws `frame` on `canvas` at `widthPx` × `heightPx` (device pixels), WebGL2 when available. Returns
 * the raster's kind once made, and the main-thread time of the last draw in ms.
 */
export function useFrameRaster(
  canvas: RefObject<HTMLCanvasElement | null>,
  frame: RasterFrame | null,
  widthPx: number,
  heightPx: number,
  options?: FrameRasterOptions,
): { kind: FrameRaster['kind'] | null; drawMs: number | null } {
  const raster = useRef<FrameRaster | null>(null);
  const [kind, setKind] = useState<FrameRaster['kind'] | null>(null);
  const [drawMs, setDrawMs] = useState<number | null>(null);
  const mode = options?.mode;
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const made = createFrameRaster(el, { mode });
    raster.current = made;
    setKind(made.kind);
    return () => {
      made.dispose();
      raster.current = null;
    };
  }, [canvas, mode]);
  useEffect(() => {
    if (!frame || widthPx <= 0 || heightPx <= 0) return;
    const id = requestAnimationFrame(() => {
      const r = raster.current;
      if (!r) return;
      const started = performance.now();
      r.draw(frame, widthPx, heightPx);
      setDrawMs(performance.now() - started);
    });
    return () => cancelAnimationFrame(id);
  }, [frame, widthPx, heightPx, kind]);
  return { kind, drawMs };
}

let shared: DisplayWorker | null = null;

/** The window's display worker, started on first use. */
export function displayWorker(): DisplayWorker {
  shared ??= new DisplayWorker();
  return shared;
}

/**
 * Limits of `pixels` from a strided sample of at most `maxSamples`, computed in the display worker
 * (null until they arrive, and again for a new frame). `requests` is compared by value.
 */
export function useSampleLimits(
  pixels: PixelsDto | null | undefined,
  requests: LimitsRequest[],
  maxSamples = 50_000,
): SampleLimits | null {
  const [result, setResult] = useState<{ for: PixelsDto; limits: SampleLimits } | null>(null);
  const key = JSON.stringify(requests);
  useEffect(() => {
    if (!pixels) return;
    let live = true;
    displayWorker()
      .limits(stridedSample(pixels.data, maxSamples), JSON.parse(key) as LimitsRequest[])
      .then((limits) => live && setResult({ for: pixels, limits }))
      .catch(() => live && setResult(null));
    return () => {
      live = false;
    };
  }, [pixels, key, maxSamples]);
  return result && result.for === pixels ? result.limits : null;
}
