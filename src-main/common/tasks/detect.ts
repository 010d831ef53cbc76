/**
 * DTOs of the `detect-tile` task: one horizontal strip of a frame (a view on a shared pixel buffer, never
 * JSON), the frame's background model, and the detection options; back come the strip's objects with
 * tiling-independent sort keys and the parents it could not see completely.
 */
import type { BackgroundModel } from '../../../src-workers/core/background/index.js';
import type { SourceCatalog } from '../../../src-workers/core/catalog/index.js';
import type {
  IncompleteParent,
  PixelBox,
  RegionOptions,
  TileGeometry,
} from '../../../src-workers/core/detect/index.js';

export interface DetectTileInput {
  /** Tile pixels, row-major `width × height` (usually a view on a SharedArrayBuffer). */
  pixels: Float32Array;
  width: number;
  height: number;
  geometry: TileGeometry;
  /** Parents whose first pixel lies here belong to this tile. */
  own: PixelBox;
  model: BackgroundModel;
  options: Omit<RegionOptions, 'cancel' | 'mask'>;
  /** Non-zero = bad pixel, same layout as `pixels`. */
  mask?: Uint8Array;
  /** Only this parent (full-frame raster index of its first pixel). */
  targetKey?: number;
}

export interface DetectTileOutput {
  catalog: SourceCatalog;
  parentKey: Float64Array;
  childIndex: Int32Array;
  /** Per-row values for CLEAN after merging (`CLEAN_STRIDE` per row). */
  cleanInfo: Float64Array;
  incomplete: IncompleteParent[];
}

/** Mesh rows [j0, j1) of a frame's background model (`meshEstimates`), estimated in a worker. */
export interface BackgroundMeshesInput {
  /** The whole frame, row-major `width × height` (a view on a SharedArrayBuffer). */
  pixels: Float32Array;
  width: number;
  height: number;
  meshSizePx: number;
  saturationLevel?: number;
  /** Non-zero = bad pixel, same layout as `pixels`. */
  mask?: Uint8Array;
  j0: number;
  j1: number;
}

/** Raw level and noise of the meshes asked for, row-major (j1 − j0) × nx. */
export interface BackgroundMeshesOutput {
  level: Float32Array;
  sigma: Float32Array;
}
