/**
 * Stacking FITS frames (`owb stack`): optional registration, per-frame quality metrics with rejection
 * thresholds, normalisation and weights, then a streaming rejection combine; writes the stack with its
 * coverage and rejection maps. Bad frames are skipped with reasons.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CombineMethod } from '../../../src-workers/core/calibrate/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import {
  frameWeights,
  normalisationFor,
  photometricScale,
  qualityVerdicts,
  type FrameQuality,
  type StarList,
  type NormaliseMode,
  type QualityThresholds,
  type WeightMode,
} from '../../../src-workers/core/stack/index.js';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { combineFrameFiles } from './band-combine.js';
import { geometryOf, openFrame, type FrameFile } from './frames.js';
import { derivedHeader, inputHistory } from './headers.js';
import { isFrameProblem, registerFiles, type TransformEntry } from './register-files.js';
import { requireCompatible } from '../../../src-workers/core/calibrate/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { withPool } from './shared.js';

export interface StackRequest {
  files: readonly string[];
  out: string;
  register?: boolean;
  reference?: string;
  /** Rejection: sigma | winsor | minmax | none (plain mean) [sigma]. */
  reject?: 'sigma' | 'winsor' | 'minmax' | 'none';
  kappa?: number;
  weight?: WeightMode;
  normalise?: NormaliseMode;
  thresholds?: QualityThresholds;
  memoryBudgetBytes?: number;
  /** Pool for per-frame tasks; a private one of `threads` workers otherwise. */
  pool?: WorkerPool;
  threads?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface StackedFrame {
  file: string;
  quality?: FrameQuality;
  weight?: number;
  /** Factor applied to the frame's pixels by the normalisation (1 for additive). */
  scale?: number;
  /** Something the user should know about how this frame was combined. */
  note?: string;
  skipped?: string;
}

export interface StackResult {
  out: string;
  coverage: string;
  rejection: string;
  frames: StackedFrame[];
  combined: number;
}

/** Paths of the coverage and rejection maps written next to the stack. */
export function sidecarPaths(out: string): { coverage: string; rejection: string } {
  const base = join(dirname(out), basename(out).replace(/\.(fits?|fts)$/i, ''));
  return { coverage: `${base}_coverage.fits`, rejection: `${base}_rejected.fits` };
}

/** Stacks `req.files` (see module doc); per-frame work runs on `req.pool` or a private pool. */
export async function stackFiles(req: StackRequest): Promise<StackResult> {
  return withPool(req.pool, req.threads, (pool) => stackOnPool(req, pool));
}

async function stackOnPool(req: StackRequest, pool: WorkerPool): Promise<StackResult> {
  if (req.files.length < 1) throw new InputError('NO_FRAMES', 'no frames to stack');
  const frames: StackedFrame[] = req.files.map((file) => ({ file }));
  const byFile = new Map(frames.map((f) => [f.file, f]));
  let work: string[] = [...req.files];
  let tmp: string | undefined;
  try {
    if (req.register) {
      tmp = mkdtempSync(join(tmpdir(), 'owb-stack-'));
      const reg = await registerFiles(req.files, {
        reference: req.reference,
        outDir: tmp,
        pool,
        onProgress: (d, t) => req.onProgress?.('register', d, t),
      });
      work = [];
      for (const e of reg.entries as TransformEntry[]) {
        if ('skipped' in e) (byFile.get(e.file) as StackedFrame).skipped = e.skipped;
        else if (e.output) {
          work.push(e.output);
          byFile.set(e.output, byFile.get(e.file) as StackedFrame);
        }
      }
    }
    // Open every candidate; unreadable or mismatched frames are skipped.
    const opened: FrameFile[] = [];
    for (const path of work) {
      const entry = byFile.get(path) as StackedFrame;
      try {
        const f = await openFrame(path);
        if (opened.length) requireCompatible(geometryOf(opened[0]), geometryOf(f));
        opened.push(f);
      } catch (error) {
        if (!isFrameProblem(error)) throw error;
        entry.skipped = (error as Error).message;
      }
    }
    // Quality metrics, one worker task per frame.
    let measured = 0;
    const outcomes = await Promise.all(
      opened.map(async (f) => {
        const q = await pool.run('frame-quality', { path: f.path });
        req.onProgress?.('measure', ++measured, opened.length);
        return q;
      }),
    );
    const qualities: FrameQuality[] = [];
    const starLists: StarList[] = [];
    const measuredFrames: FrameFile[] = [];
    outcomes.forEach((q, k) => {
      if (q.ok) {
        const { ok: _ok, stars, ...metrics } = q;
        qualities.push(metrics);
        starLists.push(stars);
        measuredFrames.push(opened[k]);
      } else (byFile.get(opened[k].path) as StackedFrame).skipped = q.reason;
    });
    opened.splice(0, opened.length, ...measuredFrames);
    const verdicts = qualityVerdicts(qualities, req.thresholds ?? {});
    const kept: FrameFile[] = [];
    const keptQ: FrameQuality[] = [];
    const keptStars: StarList[] = [];
    for (let k = 0; k < opened.length; k++) {
      const entry = byFile.get(opened[k].path) as StackedFrame;
      entry.quality = qualities[k];
      if (verdicts[k]) entry.skipped = `${opened[k].name}: ${verdicts[k]}`;
      else {
        kept.push(opened[k]);
        keptQ.push(qualities[k]);
        keptStars.push(starLists[k]);
      }
    }
    if (kept.length === 0) throw new InputError('NO_FRAMES', 'no frame left to stack after skipping bad frames');
    const mode = req.normalise ?? 'additive';
    const norms = keptQ.map((q, k) => {
      if (mode !== 'addscale' || k === 0) return normalisationFor(q, keptQ[0], mode, 1);
      const match = photometricScale(keptStars[k], keptStars[0]);
      if (!match) {
        (byFile.get(kept[k].path) as StackedFrame).note =
          'fewer than 5 stars in common with the reference: backgrounds matched, fluxes not scaled';
      }
      return normalisationFor(q, keptQ[0], mode, match?.scale);
    });
    const weights = frameWeights(keptQ, norms, req.weight ?? 'none');
    kept.forEach((f, k) => {
      const entry = byFile.get(f.path) as StackedFrame;
      entry.weight = weights[k];
      entry.scale = norms[k].scale;
    });
    const method: CombineMethod = req.reject === 'none' ? 'mean' : (req.reject ?? 'sigma');
    const result = await combineFrameFiles(kept, {
      method,
      kappa: req.kappa ?? 3,
      weights,
      withRejectionMap: true,
      memoryBudgetBytes: req.memoryBudgetBytes,
      onProgress: (d, t) => req.onProgress?.('combine', d, t),
      prepare: (k, band) => {
        const { scale, offset } = norms[k];
        if (scale === 1 && offset === 0) return;
        for (let i = 0; i < band.length; i++) band[i] = band[i] * scale + offset;
      },
    });
    const header = derivedHeader(kept[0].header);
    header.set('IMAGETYP', 'Master Light', 'owb stack');
    header.set('NCOMBINE', kept.length, 'frames combined');
    header.set('STACKMTH', method, 'combine / rejection method');
    header.set('STKKAPPA', req.kappa ?? 3, 'rejection threshold, sigmas');
    header.set('STKNORM', mode, 'normalisation');
    header.set('STKWEIGH', req.weight ?? 'none', 'frame weighting');
    header.set('REGISTER', Boolean(req.register), 'frames registered by owb before stacking');
    const inputs = kept.map((f) => (byFile.get(f.path) as StackedFrame).file);
    await writeFitsImage(req.out, result.image, { header, history: inputHistory('stack: combined', inputs) });
    const side = sidecarPaths(req.out);
    const small = { IMAGETYP: 'Coverage', NCOMBINE: kept.length };
    await writeFitsImage(
      side.coverage,
      { ...result.image, data: result.coverage as Float32Array },
      { header: small, bitpix: 16, history: [`frames contributing to ${basename(req.out)}`] },
    );
    await writeFitsImage(
      side.rejection,
      { ...result.image, data: result.rejected as Float32Array },
      {
        header: { IMAGETYP: 'Rejection map', NCOMBINE: kept.length },
        bitpix: 16,
        history: [`values rejected per pixel in ${basename(req.out)}`],
      },
    );
    return { out: req.out, ...side, frames, combined: kept.length };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
