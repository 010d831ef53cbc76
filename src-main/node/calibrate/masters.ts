/**
 * Building master bias, dark and flat frames from files on disk with the streaming combine, as
 * `owb masters` does: bias combined raw; darks bias-subtracted (and scaled to 1 s when their exposures
 * differ); flats bias/dark-corrected, each divided by its median, combined per FILTER and normalised to
 * median 1.
 */
import { join } from 'node:path';
import { medianOf, type CombineMethod } from '../../../src-workers/core/calibrate/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { BandBuffers, bandRowsFor, combineFrameFiles } from './band-combine.js';
import { geometryOf, openCompatibleFrames, type FrameFile } from './frames.js';
import { requireCompatible } from '../../../src-workers/core/calibrate/index.js';
import { derivedHeader, inputHistory } from './headers.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import { StageProfiler } from '../profile.js';
import { WorkerPool } from '../pool/worker-pool.js';

export interface MastersRequest {
  bias: readonly string[];
  darks: readonly string[];
  flats: readonly string[];
  outDir: string;
  method?: CombineMethod;
  kappa?: number;
  memoryBudgetBytes?: number;
  onProgress?: (label: string, done: number, total: number) => void;
  /** Stage timings for `--profile` (see node/profile.ts). */
  profile?: StageProfiler;
  /** Worker threads for the per-pixel combine [1: this thread only]. */
  workers?: number;
}

export interface MasterWritten {
  kind: 'bias' | 'dark' | 'flat';
  path: string;
  frames: number;
  filter?: string;
  exposureSec?: number;
}

/** Builds every master it has frames for and writes them under `outDir`; returns what was written. */
export async function buildMasters(req: MastersRequest): Promise<MasterWritten[]> {
  const workers = Math.max(1, Math.floor(req.workers ?? 1));
  const pool = workers > 1 ? new WorkerPool({ threads: workers }) : undefined;
  try {
    return await buildWith(req, pool);
  } finally {
    await pool?.destroy();
  }
}

async function buildWith(req: MastersRequest, pool: WorkerPool | undefined): Promise<MasterWritten[]> {
  const method = req.method ?? 'median';
  const kappa = req.kappa ?? 3;
  // One set of band buffers for every combine: the bias, dark and flat frames share one size.
  const combine = { method, kappa, memoryBudgetBytes: req.memoryBudgetBytes, pool, buffers: new BandBuffers() };
  const profile = req.profile ?? new StageProfiler(false);
  /** Bytes of one frame as float32, for the profile's bandwidth floor. */
  const frameBytes = (frames: readonly FrameFile[]): number => frames[0].width * frames[0].height * 4;
  const written: MasterWritten[] = [];
  makeDirs(req.outDir);
  const all = [...req.bias, ...req.darks, ...req.flats];
  if (all.length === 0) throw new InputError('NO_FRAMES', 'no bias, dark or flat frames given');
  const biasFrames = req.bias.length ? await openCompatibleFrames(req.bias, 'bias') : [];
  const darkFrames = req.darks.length ? await openCompatibleFrames(req.darks, 'dark') : [];
  const flatFrames = req.flats.length ? await openCompatibleFrames(req.flats, 'flat') : [];
  const sets = [biasFrames, darkFrames, flatFrames].filter((s) => s.length > 0);
  for (const s of sets.slice(1)) requireCompatible(geometryOf(sets[0][0]), geometryOf(s[0]));
  const progress = (label: string) => (done: number, total: number) => req.onProgress?.(label, done, total);

  let bias: Image | undefined;
  if (biasFrames.length) {
    const { image } = await profile.time(
      `bias: combine ${biasFrames.length}`,
      () => combineFrameFiles(biasFrames, { ...combine, onProgress: progress('bias') }),
      frameBytes(biasFrames) * (biasFrames.length + 1),
    );
    bias = image;
    const path = join(req.outDir, 'master_bias.fits');
    const header = derivedHeader(biasFrames[0].header);
    header.set('IMAGETYP', 'Master Bias', 'owb master frame');
    header.set('EXPTIME', 0, '[s] exposure time');
    header.set('NCOMBINE', biasFrames.length, 'frames combined');
    header.set('COMBMETH', method, 'combine method');
    await profile.time('bias: write', () =>
      writeFitsImage(path, image, { header, history: inputHistory('bias: combined', req.bias) }),
    );
    written.push({ kind: 'bias', path, frames: biasFrames.length });
  }

  let dark: Image | undefined;
  let darkExposureSec: number | undefined;
  if (darkFrames.length) {
    const exposures = darkFrames.map((f) => f.info.exposureSec);
    const same = exposures.every((e) => e !== undefined && e === exposures[0]);
    const missing = darkFrames.find((f) => f.info.exposureSec === undefined);
    if (!same && missing) {
      throw new InputError(
        'NO_EXPOSURE',
        `${missing.name}: dark has no EXPTIME/EXPOSURE and the darks' exposures differ`,
      );
    }
    darkExposureSec = same ? exposures[0] : 1;
    const scales = darkFrames.map((f) => (same ? 1 : 1 / (f.info.exposureSec as number)));
    const width = darkFrames[0].width;
    const { image } = await profile.time(
      `dark: combine ${darkFrames.length}`,
      () =>
        combineFrameFiles(darkFrames, {
          ...combine,
          onProgress: progress('dark'),
          prepare: (k, band, row) => {
            const off = row * width;
            const s = scales[k];
            // The bias array hoisted out of the pixel loop (a captured `let` is re-read every pixel).
            const b = bias?.data;
            const n = band.length;
            if (b) for (let i = 0; i < n; i++) band[i] = (band[i] - b[off + i]) * s;
            else if (s !== 1) for (let i = 0; i < n; i++) band[i] *= s;
          },
        }),
      frameBytes(darkFrames) * (darkFrames.length + 2),
    );
    dark = image;
    if (!same) written.push(...(await matchedDarkMasters(darkFrames, bias, req, combine)));
    const path = join(req.outDir, 'master_dark.fits');
    const header = derivedHeader(darkFrames[0].header);
    header.set('IMAGETYP', 'Master Dark', 'owb master frame');
    if (darkExposureSec !== undefined)
      header.set('EXPTIME', darkExposureSec, same ? '[s] exposure of the darks' : '[s] scaled to 1 s');
    header.set('BIASSUB', Boolean(bias), 'master bias subtracted');
    header.set('NCOMBINE', darkFrames.length, 'frames combined');
    header.set('COMBMETH', method, 'combine method');
    await profile.time('dark: write', () =>
      writeFitsImage(path, image, {
        header,
        history: inputHistory('dark: bias-subtracted and combined', req.darks),
      }),
    );
    written.push({ kind: 'dark', path, frames: darkFrames.length, exposureSec: darkExposureSec });
  }

  const groups = new Map<string, FrameFile[]>();
  for (const f of flatFrames) {
    const key = f.info.filter ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [filter, frames] of groups) {
    const scales = new Float64Array(frames.length);
    const darkScales = frames.map((f) =>
      dark && bias && darkExposureSec && f.info.exposureSec !== undefined ? f.info.exposureSec / darkExposureSec : 0,
    );
    const correct = (k: number, band: Float32Array, off: number): void => {
      const ds = darkScales[k];
      // Arrays and branches hoisted out of the pixel loop (same arithmetic, in the same order).
      const b = bias?.data;
      const d = dark && ds ? dark.data : undefined;
      const n = band.length;
      if (b && d) for (let i = 0; i < n; i++) band[i] = band[i] - b[off + i] - d[off + i] * ds;
      else if (b) for (let i = 0; i < n; i++) band[i] = band[i] - b[off + i];
      else if (d) for (let i = 0; i < n; i++) band[i] = band[i] - d[off + i] * ds;
    };
    const width = frames[0].width;
    const label = filter ? `flat ${filter}` : 'flat';
    const scaleBy = (k: number, band: Float32Array): void => {
      const m = medianOf(band);
      if (!(m > 0))
        throw new InputError('BAD_FLAT', `${frames[k].name}: flat has median ${m} after bias/dark correction`);
      scales[k] = 1 / m;
    };
    // When every flat's whole frame fits in one combine band (the usual case), each flat is read once:
    // its median is taken on the corrected band inside the combine. Otherwise a first pass reads each
    // flat into one reused buffer for its median.
    const oneBand = bandRowsFor(frames, combine.memoryBudgetBytes) >= frames[0].height;
    if (!oneBand) {
      const scratch = new Float32Array(frames[0].width * frames[0].height);
      await profile.time(
        `${label}: read + median ×${frames.length}`,
        async () => {
          for (let k = 0; k < frames.length; k++) {
            const { image } = await readFitsImage(frames[k].path, { hdu: frames[k].hdu, into: scratch });
            correct(k, image.data, 0);
            scaleBy(k, image.data);
          }
        },
        frameBytes(frames) * frames.length * 3,
      );
    }
    const { image } = await profile.time(
      `${label}: ${oneBand ? 'median + ' : ''}combine ${frames.length}`,
      () =>
        combineFrameFiles(frames, {
          ...combine,
          onProgress: progress(label),
          prepare: (k, band, row) => {
            correct(k, band, row * width);
            if (oneBand) scaleBy(k, band);
            const s = scales[k];
            const n = band.length;
            for (let i = 0; i < n; i++) band[i] *= s;
          },
        }),
      frameBytes(frames) * (frames.length + 3),
    );
    const m = profile.timeSync(`${label}: normalise`, () => medianOf(image.data), frameBytes(frames) * 2);
    for (let i = 0; i < image.data.length; i++) image.data[i] /= m;
    const safe = filter.replace(/[^A-Za-z0-9_.+-]+/g, '_');
    const path = join(req.outDir, filter ? `master_flat_${safe}.fits` : 'master_flat.fits');
    const header = derivedHeader(frames[0].header);
    header.set('IMAGETYP', 'Master Flat', 'owb master frame');
    header.set('NCOMBINE', frames.length, 'frames combined');
    header.set('COMBMETH', method, 'combine method');
    header.set('FLATNORM', 'median', 'normalised to median 1');
    await writeFitsImage(path, image, {
      header,
      history: inputHistory(
        'flat: bias/dark-corrected, median-normalised, combined',
        frames.map((f) => f.path),
      ),
    });
    written.push({ kind: 'flat', path, frames: frames.length, filter: filter || undefined });
  }
  return written;
}

/**
 * When the darks span several exposures, also writes one bias-subtracted master per exposure and
 * sensor temperature (rounded to 1 °C): master_dark_<EXP>s.fits (…_<T>C when temperatures differ), used
 * unscaled for lights that match.
 */
async function matchedDarkMasters(
  frames: readonly FrameFile[],
  bias: Image | undefined,
  req: MastersRequest,
  combine: { method: CombineMethod; kappa: number; memoryBudgetBytes?: number },
): Promise<MasterWritten[]> {
  const groups = new Map<string, FrameFile[]>();
  for (const f of frames) {
    const t = f.info.ccdTempC;
    const key = `${f.info.exposureSec}|${t === undefined ? '' : Math.round(t)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const temps = new Set([...groups.keys()].map((k) => k.split('|')[1]));
  const out: MasterWritten[] = [];
  for (const [key, group] of groups) {
    const [exp, temp] = key.split('|');
    const width = group[0].width;
    const { image } = await combineFrameFiles(group, {
      ...combine,
      prepare: (_k, band, row) => {
        if (!bias) return;
        const off = row * width;
        for (let i = 0; i < band.length; i++) band[i] -= bias.data[off + i];
      },
    });
    const name = `master_dark_${exp}s${temps.size > 1 && temp !== '' ? `_${temp}C` : ''}.fits`;
    const path = join(req.outDir, name);
    const header = derivedHeader(group[0].header);
    header.set('IMAGETYP', 'Master Dark', 'owb master frame');
    header.set('EXPTIME', Number(exp), '[s] exposure of these darks');
    if (temp !== '') header.set('CCD-TEMP', Number(temp), '[C] sensor temperature (rounded)');
    header.set('BIASSUB', Boolean(bias), 'master bias subtracted');
    header.set('NCOMBINE', group.length, 'frames combined');
    header.set('COMBMETH', combine.method, 'combine method');
    await writeFitsImage(path, image, {
      header,
      history: inputHistory(
        'dark: bias-subtracted and combined',
        group.map((f) => f.path),
      ),
    });
    out.push({ kind: 'dark', path, frames: group.length, exposureSec: Number(exp) });
  }
  return out;
}
