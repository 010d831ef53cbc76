/**
 * Page side of raster-page.ts: draws a frame with `FrameRaster` (WebGL2 or 2-D) and reads the picture
 * back in image order (row 0 first, as the FITS data), RGBA, base64.
 */
import {
  createFrameRaster,
  type FrameRaster,
  type FrameRasterOptions,
  type RasterView,
} from '../../../../src-renderer/components/display/frame-raster.js';
import { DisplayWorker } from '../../../../src-renderer/components/display/display-worker.js';
import type { DisplaySettings } from '../../../../src-renderer/components/display/stretch.js';
import type { PixelsDto } from '../../../../src-main/common/workbench-dto.js';

let workerSource = '';
export function setWorkerSource(code: string): void {
  workerSource = code;
}

/** A DisplayWorker in a real Worker started from the bundled display.worker.ts. */
export function startWorker(): DisplayWorker {
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  return new DisplayWorker(() => new Worker(url));
}

export function decode(text: string): Float32Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function encode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const rasters = new Map<string, FrameRaster>();

/** One canvas and raster per key (a mode and tile size), kept across draws as the viewer keeps its own. */
export function raster(key: string, options: FrameRasterOptions): FrameRaster {
  let r = rasters.get(key);
  if (!r) {
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    r = createFrameRaster(canvas, options);
    rasters.set(key, r);
  }
  return r;
}

/** Reads the raster's canvas, `widthPx` × `heightPx`, bottom row of the screen first (image row 0). */
export function readBack(r: FrameRaster, widthPx: number, heightPx: number): Uint8Array {
  const out = new Uint8Array(widthPx * heightPx * 4);
  if (r.kind === 'webgl2') {
    const gl = r.canvas.getContext('webgl2')!;
    gl.readPixels(0, 0, widthPx, heightPx, gl.RGBA, gl.UNSIGNED_BYTE, out);
    return out;
  }
  const rows = r.canvas.getContext('2d')!.getImageData(0, 0, widthPx, heightPx).data;
  const stride = widthPx * 4;
  for (let y = 0; y < heightPx; y++)
    out.set(rows.subarray((heightPx - 1 - y) * stride, (heightPx - y) * stride), y * stride);
  return out;
}

export interface DrawCase {
  key: string;
  options: FrameRasterOptions;
  levels: Array<{ width: number; height: number; binning: number; data: string }>;
  settings: DisplaySettings;
  sample: string;
  view: RasterView;
  widthPx: number;
  heightPx: number;
}

const decoded = new Map<string, PixelsDto>();

function levelsOf(c: DrawCase): PixelsDto[] {
  return c.levels.map((l) => {
    const id = `${l.width}x${l.height}/${l.binning}/${l.data.length}/${l.data.slice(0, 64)}`;
    let p = decoded.get(id);
    if (!p) decoded.set(id, (p = { width: l.width, height: l.height, binning: l.binning, data: decode(l.data) }));
    return p;
  });
}

/**
 * Starts `prepare` of level `index`, draws `c` before it has finished and again after: the pictures
 * (base64 RGBA) while the level uploads in strips and once it is there.
 */
export async function drawDuringPrepare(c: DrawCase, index: number): Promise<{ during: string; after: string }> {
  const levels = levelsOf(c);
  const r = raster(c.key, c.options);
  const frame = { levels, settings: c.settings, sample: decode(c.sample), view: c.view };
  const prepared = r.prepare(levels[index], c.settings, frame.sample);
  r.draw(frame, c.widthPx, c.heightPx);
  const during = encode(readBack(r, c.widthPx, c.heightPx));
  await prepared;
  r.draw(frame, c.widthPx, c.heightPx);
  return { during, after: encode(readBack(r, c.widthPx, c.heightPx)) };
}

/** Draws `c` and returns the kind of raster and the picture (base64 RGBA, image row 0 first). */
export function drawCase(c: DrawCase): { kind: string; rgba: string } {
  // The same PixelsDto object for the same bytes, so textures are uploaded once per level.
  const levels = levelsOf(c);
  const r = raster(c.key, c.options);
  r.draw({ levels, settings: c.settings, sample: decode(c.sample), view: c.view }, c.widthPx, c.heightPx);
  return { kind: r.kind, rgba: encode(readBack(r, c.widthPx, c.heightPx)) };
}

export { createFrameRaster, DisplayWorker };
