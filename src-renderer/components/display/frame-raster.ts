/**
 * One interface for drawing a frame: WebGL2 where the browser has it (`GlRaster`: the frame uploaded
 * once as float textures, a display change is a uniform update), else the 2-D canvas path
 * (`CanvasRaster`: RGBA through `renderRgba`, then `drawImage`). Both draw the same picture, to within
 * one grey level.
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { CanvasRaster } from './canvas-raster.js';
import { GlRaster } from './gl-raster.js';
import type { DisplaySettings } from './stretch.js';

export { pickLevel } from './levels.js';

/** ImageStage's view transform: screen = (zoom × x + panX, panY − zoom × y), image y up. */
export interface RasterView {
  zoom: number;
  panX: number;
  panY: number;
}

export interface RasterFrame {
  /** The levels of one frame (full resolution and/or block-averaged previews), any order. */
  levels: readonly PixelsDto[];
  settings: DisplaySettings;
  /** The sorted pixel sample that `histeq` equalises. */
  sample: Float32Array;
  view: RasterView;
}

export interface FrameRaster {
  readonly kind: 'webgl2' | '2d';
  readonly canvas: HTMLCanvasElement;
  /**
   * Draws the frame into the canvas, resized to `widthPx` × `heightPx` device pixels, black around it.
   * Each level's pixels are uploaded (WebGL2) or rendered (2-D) once and kept while it is drawn again.
   */
  draw(frame: RasterFrame, widthPx: number, heightPx: number): void;
  /**
   * Uploads (WebGL2, in strips with the main thread free between them) or renders (2-D) a level ahead
   * of drawing it: a full frame while its preview is on screen. Resolves when it can be drawn at once.
   */
  prepare(level: PixelsDto, settings: DisplaySettings, sample: Float32Array): Promise<void>;
  /** Frees textures and canvases; the raster draws nothing afterwards. */
  dispose(): void;
}

export interface FrameRasterOptions {
  /** 'auto' uses WebGL2 when the canvas gives a context, else 2-D ['auto']. */
  mode?: 'auto' | 'webgl2' | '2d';
  /** Largest texture side used for tiles; the context's MAX_TEXTURE_SIZE when smaller [8192]. */
  maxTileSizePx?: number;
  /** Texture bytes kept for levels not drawn last, least recently drawn freed first [512 MiB]. */
  cacheBytes?: number;
}

/** A raster on `canvas`: WebGL2 when available (and not refused by `mode`), else the 2-D path. */
export function createFrameRaster(canvas: HTMLCanvasElement, options: FrameRasterOptions = {}): FrameRaster {
  const mode = options.mode ?? 'auto';
  if (mode !== '2d') {
    const gl = GlRaster.create(canvas, options);
    if (gl) return gl;
    if (mode === 'webgl2') throw new Error('WebGL2 is not available in this browser');
  }
  return new CanvasRaster(canvas);
}
