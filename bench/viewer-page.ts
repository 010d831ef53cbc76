/**
 * Page side of bench/suites/viewer.bench.ts, bundled into a page of `owb serve` (same origin, so the
 * frame comes through the real POST /api/invoke with its binary reply): the viewer's sequence for a
 * large frame — the server's binned preview, limits from a sample in the display worker, a draw; then
 * full resolution, uploaded and drawn; then display changes — on a `FrameRaster` of either kind.
 * Every time is taken to a one-pixel read-back, which waits until the GPU (or canvas) has drawn.
 */
import type { PixelsDto } from '../src-main/common/workbench-dto.js';
import { decodeBinary } from '../src-main/common/wire-codec.js';
import { createFrameRaster, type FrameRaster } from '../src-renderer/components/display/frame-raster.js';
import { stridedSample } from '../src-renderer/components/display/display-worker.js';
import type { DisplaySettings } from '../src-renderer/components/display/stretch.js';
import { STRETCHES } from '../src-renderer/components/display/stretch.js';
import { startWorker } from '../tests/renderer/components/display/raster-entry.js';

export * from '../tests/renderer/components/display/raster-entry.js';

async function pixels(token: string, frameId: number, binning: number): Promise<PixelsDto> {
  const response = await fetch('api/invoke', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'owb:frames.pixels', request: binning > 1 ? { frameId, binning } : { frameId } }),
  });
  const result = decodeBinary(new Uint8Array(await response.arrayBuffer())) as
    { ok: true; value: PixelsDto } | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function sync(r: FrameRaster): void {
  const px = new Uint8Array(4);
  if (r.kind === 'webgl2') {
    const gl = r.canvas.getContext('webgl2')!;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  } else r.canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
}

export interface ViewerRun {
  kind: string;
  previewMs: number;
  fullMs: number;
  /** Display changes drawn at the fitted view (preview level) and at 1:1 (full-resolution level). */
  changeFitMs: number[];
  changeFullMs: number[];
  /** Main-thread time of the worker's sample limits for the full frame (post + reply). */
  limitsMs: number;
  /** Full frame: request → decoded reply, and its upload (WebGL2) or RGBA render (2-D). */
  fetchFullMs: number;
  prepareMs: number;
  /** createFrameRaster: for WebGL2, the context and the shaders' compilation. */
  createMs: number;
}

/** One cold-to-ready sequence on a new canvas (nothing uploaded yet). */
export async function runViewer(o: {
  token: string;
  frameId: number;
  mode: 'webgl2' | '2d';
  previewBinning: number;
  widthPx: number;
  heightPx: number;
  changes: number;
}): Promise<ViewerRun> {
  const canvas = document.createElement('canvas');
  document.body.append(canvas);
  // The raster and the worker are made inside the timed span: a first view pays for both.
  const t0 = performance.now();
  const raster = createFrameRaster(canvas, { mode: o.mode });
  const createMs = performance.now() - t0;
  const worker = startWorker();
  const preview = await pixels(o.token, o.frameId, o.previewBinning);
  const first = await worker.limits(stridedSample(preview.data), [{ kind: 'zscale' }]);
  const size = preview.width * preview.binning;
  const fit = Math.min(o.widthPx / size, o.heightPx / (preview.height * preview.binning));
  const view = { zoom: fit, panX: 0, panY: preview.height * preview.binning * fit };
  let settings: DisplaySettings = { stretch: 'linear', colormap: 'grey', invert: false, limits: first.limits[0] };
  raster.draw({ levels: [preview], settings, sample: first.sorted, view }, o.widthPx, o.heightPx);
  sync(raster);
  const previewMs = performance.now() - t0;
  const f0 = performance.now();
  const full = await pixels(o.token, o.frameId, 1);
  const fetchFullMs = performance.now() - f0;
  const l0 = performance.now();
  const limits = await worker.limits(stridedSample(full.data), [{ kind: 'zscale' }]);
  const limitsMs = performance.now() - l0;
  settings = { ...settings, limits: limits.limits[0] };
  const p0 = performance.now();
  await raster.prepare(full, settings, limits.sorted);
  sync(raster);
  const prepareMs = performance.now() - p0;
  raster.draw({ levels: [preview, full], settings, sample: limits.sorted, view }, o.widthPx, o.heightPx);
  sync(raster);
  const fullMs = performance.now() - t0;
  const change = (v: typeof view): number[] => {
    const times: number[] = [];
    for (let i = 0; i < o.changes; i++) {
      settings = {
        ...settings,
        stretch: STRETCHES[i % STRETCHES.length],
        invert: i % 2 === 1,
        limits: { lo: limits.limits[0].lo, hi: limits.limits[0].hi * (1 + 0.01 * i) },
      };
      const s = performance.now();
      raster.draw({ levels: [preview, full], settings, sample: limits.sorted, view: v }, o.widthPx, o.heightPx);
      sync(raster);
      times.push(performance.now() - s);
    }
    return times;
  };
  const changeFitMs = change(view);
  const changeFullMs = change({ zoom: 1, panX: -(size - o.widthPx) / 2, panY: (size + o.heightPx) / 2 });
  raster.dispose();
  worker.dispose();
  canvas.remove();
  return {
    kind: raster.kind,
    previewMs,
    fullMs,
    changeFitMs,
    changeFullMs,
    limitsMs,
    fetchFullMs,
    prepareMs,
    createMs,
  };
}
