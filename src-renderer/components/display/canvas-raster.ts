/**
 * The 2-D canvas path of `FrameRaster`, for browsers without WebGL2: each level is rendered to RGBA by
 * `renderRgba` into an offscreen canvas once per display change, then drawn with the view transform.
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import type { FrameRaster, RasterFrame } from './frame-raster.js';
import { pickLevel } from './levels.js';
import { renderRgba, type DisplaySettings } from './stretch.js';

export class CanvasRaster implements FrameRaster {
  readonly kind = '2d' as const;
  private rasters = new WeakMap<PixelsDto, { canvas: HTMLCanvasElement; settings: DisplaySettings }>();
  private disposed = false;

  constructor(readonly canvas: HTMLCanvasElement) {}

  prepare(level: PixelsDto, settings: DisplaySettings, sample: Float32Array): Promise<void> {
    this.rasterOf(level, settings, sample);
    return Promise.resolve();
  }

  draw(frame: RasterFrame, widthPx: number, heightPx: number): void {
    if (this.disposed) return;
    const el = this.canvas;
    if (el.width !== widthPx || el.height !== heightPx) {
      el.width = widthPx;
      el.height = heightPx;
    }
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, el.width, el.height);
    const level = pickLevel(frame.levels, frame.view.zoom);
    if (!level) return;
    const source = this.rasterOf(level, frame.settings, frame.sample);
    if (!source) return;
    const { zoom, panX, panY } = frame.view;
    const b = level.binning;
    ctx.imageSmoothingEnabled = zoom * b < 1;
    ctx.setTransform(zoom, 0, 0, -zoom, panX, panY);
    ctx.drawImage(source, 0, 0, level.width * b, level.height * b);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  dispose(): void {
    this.disposed = true;
    this.rasters = new WeakMap();
  }

  private rasterOf(p: PixelsDto, settings: DisplaySettings, sample: Float32Array): HTMLCanvasElement | null {
    const hit = this.rasters.get(p);
    if (hit && sameSettings(hit.settings, settings)) return hit.canvas;
    const off = hit?.canvas ?? document.createElement('canvas');
    off.width = p.width;
    off.height = p.height;
    const ctx = off.getContext('2d');
    if (!ctx) return null;
    const image = ctx.createImageData(p.width, p.height);
    renderRgba(p.data, image.data, settings, sample);
    ctx.putImageData(image, 0, 0);
    this.rasters.set(p, { canvas: off, settings });
    return off;
  }
}

function sameSettings(a: DisplaySettings, b: DisplaySettings): boolean {
  return (
    a === b ||
    (a.stretch === b.stretch &&
      a.colormap === b.colormap &&
      a.invert === b.invert &&
      a.limits.lo === b.limits.lo &&
      a.limits.hi === b.limits.hi)
  );
}
