/**
 * Streaming combine of N FITS frames: row bands are read from every file (only those bytes), optionally
 * corrected per frame, and combined pixel by pixel, so memory stays near N × bandRows × width × 4 bytes
 * whatever the image size (50 frames of 4096² fit in a few hundred MB).
 */
import { combineBand, resolveCombine, type CombineOptions } from '../../../src-workers/core/calibrate/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import type { FrameFile } from './frames.js';
import type { WorkerPool } from '../pool/worker-pool.js';

export interface StreamCombineOptions extends CombineOptions {
  /** Per-frame in-place correction of a band before combining (bias subtraction, normalisation, …). */
  prepare?: (frameIndex: number, band: Float32Array, rowStart: number, rowCount: number) => void;
  /** Per-frame weights for the mean of kept values. */
  weights?: ArrayLike<number>;
  /** Upper bound on the bytes of band buffers held at once [256 MiB]. */
  memoryBudgetBytes?: number;
  /** Also return a per-pixel count of rejected values. */
  withRejectionMap?: boolean;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  /**
   * Combine each band's pixels in slices on this pool (bands and output in shared memory, nothing
   * copied); used only without weights or rejection maps. The result is the same as in one thread.
   */
  pool?: WorkerPool;
  /** Band buffers to reuse from an earlier combine (masters: bias, darks and flats of one size). */
  buffers?: BandBuffers;
}

/**
 * Band buffers kept from one combine to the next: fresh memory costs a page fault per 4 KiB on first
 * touch (with 3 × 10 frames of 2048², half of `owb masters`' system time), reused memory does not.
 */
export class BandBuffers {
  private held: Float32Array[] = [];
  private shared = false;

  /** `count` buffers of `length` float32 each (shared memory when `shared`), reusing those held. */
  take(count: number, length: number, shared: boolean): Float32Array[] {
    if (shared !== this.shared) {
      this.held = [];
      this.shared = shared;
    }
    for (let k = 0; k < count; k++) {
      if (this.held[k] && this.held[k].length >= length) continue;
      this.held[k] = shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
    }
    return this.held.slice(0, count).map((b) => b.subarray(0, length));
  }
}

/** Bands smaller than this many pixels are combined in this thread: a task round trip costs more. */
const MIN_POOL_PIXELS = 1 << 18;

export interface StreamCombineResult {
  image: Image;
  /** Rejected values per pixel (when asked). */
  rejected?: Float32Array;
  /** Values combined per pixel (when asked). */
  coverage?: Float32Array;
}

/**
 * Rows per band of `combineFrameFiles` for these frames under `memoryBudgetBytes` [256 MiB]: N bands of
 * float32 rows fit the budget, at least one row, at most the frame's height (then every frame is
 * combined whole, and `prepare` sees each frame's whole image).
 */
export function bandRowsFor(frames: readonly FrameFile[], memoryBudgetBytes?: number): number {
  const { width, height } = frames[0];
  const budget = memoryBudgetBytes ?? 256 * 1024 * 1024;
  return Math.max(1, Math.min(height, Math.floor(budget / (frames.length * width * 4))));
}

/** Combines compatible frames (same size, checked by the caller) band by band. */
export async function combineFrameFiles(
  frames: readonly FrameFile[],
  options: StreamCombineOptions = {},
): Promise<StreamCombineResult> {
  const { width, height } = frames[0];
  const bandRows = bandRowsFor(frames, options.memoryBudgetBytes);
  const resolved = resolveCombine(options);
  const pool = options.pool && !options.weights && !options.withRejectionMap ? options.pool : undefined;
  const out = pool ? new Float32Array(new SharedArrayBuffer(width * height * 4)) : new Float32Array(width * height);
  // Every frame's band is read into a reused buffer (no 4-byte-per-pixel allocation per read, nor the
  // garbage collection it causes); with a pool it is shared memory the workers see directly.
  const reused = (options.buffers ?? new BandBuffers()).take(frames.length, bandRows * width, Boolean(pool));
  const rejected = options.withRejectionMap ? new Float32Array(width * height) : undefined;
  const coverage = options.withRejectionMap ? new Float32Array(width * height) : undefined;
  for (let row = 0; row < height; row += bandRows) {
    const rows = Math.min(bandRows, height - row);
    // Read the N bands concurrently so the disk is busy while earlier ones are decoded.
    const bands = await Promise.all(
      frames.map(async (frame, k) => {
        const into = reused[k].subarray(0, rows * width);
        const { image } = await readFitsImage(frame.path, { hdu: frame.hdu, rowStart: row, rowCount: rows, into });
        options.prepare?.(k, image.data, row, rows);
        return image.data;
      }),
    );
    const start = row * width;
    const end = start + rows * width;
    if (pool && end - start >= MIN_POOL_PIXELS) {
      const slices = pool.threads;
      const per = Math.ceil((end - start) / slices);
      const jobs: Promise<unknown>[] = [];
      for (let a = start; a < end; a += per) {
        const b = Math.min(end, a + per);
        const bandsSlice = bands.map((band) => band.subarray(a - start, b - start));
        jobs.push(pool.run('combine-band', { bands: bandsSlice, options: resolved, out: out.subarray(a, b) }));
      }
      await Promise.all(jobs);
      options.onProgress?.(row + rows, height);
      continue;
    }
    combineBand(bands, resolved, out.subarray(start, end), {
      weights: options.weights,
      rejected: rejected?.subarray(start, end),
      coverage: coverage?.subarray(start, end),
    });
    options.onProgress?.(row + rows, height);
  }
  return { image: { width, height, data: out }, rejected, coverage };
}
