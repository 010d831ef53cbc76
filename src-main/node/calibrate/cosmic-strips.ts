/**
 * L.A.Cosmic on one frame split into horizontal strips run in parallel worker tasks (`owb cosmic`).
 * Each strip carries `laCosmicHaloRows` rows of context on both sides and the whole image's background
 * level, so the stitched mask and clean image equal a single-pass run exactly.
 */
import {
  laCosmicBackground,
  laCosmicHaloRows,
  type LaCosmicOptions,
  type LaCosmicResult,
} from '../../../src-workers/core/cosmic/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { withPool } from './shared.js';

export interface CosmicStripsOptions extends Omit<LaCosmicOptions, 'inputMask' | 'backgroundE'> {
  pool?: WorkerPool;
  threads?: number;
  /** Strips to cut [the pool's thread count; 1 for images too small to gain]. */
  strips?: number;
}

export async function laCosmicInStrips(image: Image, options: CosmicStripsOptions = {}): Promise<LaCosmicResult> {
  const { pool: given, threads, strips: wanted, ...lac } = options;
  const { width: w, height: h } = image;
  const halo = laCosmicHaloRows(lac.niter ?? 4);
  const backgroundE = laCosmicBackground(image, lac);
  return withPool(given, threads, async (pool) => {
    const strips = Math.max(1, Math.min(wanted ?? pool.threads, Math.floor(h / (4 * halo))));
    const clean = new Float32Array(w * h);
    const mask = new Uint8Array(w * h);
    const rowsPer = Math.ceil(h / strips);
    await Promise.all(
      Array.from({ length: strips }, async (_, s) => {
        const y0 = s * rowsPer;
        const y1 = Math.min(h, y0 + rowsPer);
        const a = Math.max(0, y0 - halo);
        const b = Math.min(h, y1 + halo);
        const data = image.data.slice(a * w, b * w);
        const r = await pool.run(
          'cosmic-strip',
          { width: w, height: b - a, data, options: { ...lac, backgroundE } },
          { transferList: [data.buffer] },
        );
        clean.set(r.clean.subarray((y0 - a) * w, (y1 - a) * w), y0 * w);
        mask.set(r.mask.subarray((y0 - a) * w, (y1 - a) * w), y0 * w);
      }),
    );
    let count = 0;
    for (let i = 0; i < mask.length; i++) count += mask[i];
    return { clean: { width: w, height: h, data: clean }, mask, count };
  });
}
