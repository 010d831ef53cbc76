import { createRequire } from 'node:module';
import type { Result } from '../../src-main/common/result.js';
import type {
  ProcessFrameInput,
  ProcessFrameOutput,
  SourceColumns,
} from '../../src-main/common/tasks/process-frame.js';
import { applyMasters, type Masters } from '../core/calibrate/index.js';
import type { Image } from '../core/image/image.js';
import { mad, median } from '../core/stats/index.js';
import { readFitsImage } from '../io/fits-file.js';
import { parseTanWcs } from '../core/wcs/index.js';

/** The detection engine's entry point as this task calls it (see `core/detect`). */
type DetectSources = (image: Image, options: Record<string, unknown>) => SourceColumns & { count: number };

let detectPromise: Promise<DetectSources | undefined> | undefined;

/**
 * Loads `core/detect` when it exists. The module is looked up at run time so that a workbench whose
 * detection engine has not landed still ingests frames and computes their statistics.
 */
function loadDetect(): Promise<DetectSources | undefined> {
  detectPromise ??= (async () => {
    try {
      return ((await import('../core/detect/index.js' as string)) as { detectSources?: DetectSources }).detectSources;
    } catch {
      // From sources, piscina loads this file through tsx's require hook, which dynamic import() bypasses.
      try {
        const require = createRequire(import.meta.url);
        return (require('../core/detect/index.ts') as { detectSources?: DetectSources }).detectSources;
      } catch {
        return undefined; // detection has not landed: the job runs the steps that exist
      }
    }
  })();
  return detectPromise;
}

/**
 * One watched-folder frame: reads the image, measures median/MAD, and detects and measures sources as the
 * profile asks. Sky positions come from the header's TAN WCS when there is one. Errors come back as a
 * `Result` with the reader's code (`FITS_TRUNCATED`, …) so the job keeps them.
 */
export default async function processFrame(input: ProcessFrameInput): Promise<Result<ProcessFrameOutput>> {
  try {
    const read = await readFitsImage(input.path, { hdu: input.hdu });
    const header = read.header;
    let image = read.image;
    const ran: string[] = [];
    const skipped: string[] = [];
    if (input.steps.calibrate) {
      image = applyMasters(image, await loadMasters(input.steps.calibrate), { exposureSec: exposureOf(header) });
      ran.push('calibrate');
    }
    const quality: ProcessFrameOutput['quality'] = {};
    const sample = subsample(image.data, 250_000);
    quality.medianAdu = median(sample);
    quality.madAdu = mad(sample);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < image.data.length; i++) {
      const v = image.data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (Number.isFinite(lo)) {
      quality.minAdu = lo;
      quality.maxAdu = hi;
    }
    ran.push('stats');
    let sources: SourceColumns | undefined;
    if (input.steps.detect) {
      const detect = await loadDetect();
      if (!detect) {
        skipped.push('detect');
        if (input.steps.photometry) skipped.push('photometry');
      } else {
        const found = detect(image, {
          threshSigma: input.steps.detect.threshSigma,
          minAreaPx: input.steps.detect.minAreaPx,
          ...(input.steps.photometry ? { apertureRadiusPx: input.steps.photometry.radiusPx } : {}),
        });
        sources = toColumns(found);
        ran.push('detect');
        if (input.steps.photometry) {
          addInstrumentalMagnitudes(sources);
          ran.push('photometry');
        }
        const parsed = parseTanWcs(header);
        if ('wcs' in parsed && sources.count > 0 && !sources.ra) {
          const ra = new Float64Array(sources.count);
          const dec = new Float64Array(sources.count);
          for (let i = 0; i < sources.count; i++) [ra[i], dec[i]] = parsed.wcs.pixelToSky(sources.x[i], sources.y[i]);
          sources.ra = ra;
          sources.dec = dec;
        }
        if (sources.fwhm && sources.count > 0) quality.fwhmPx = median(sources.fwhm);
      }
    }
    return { ok: true, value: { width: image.width, height: image.height, quality, ran, skipped, sources } };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: {
        code: typeof e.code === 'string' ? e.code : 'PROCESS_FAILED',
        message: typeof e.message === 'string' ? e.message : String(error),
      },
    };
  }
}

const masterCache = new Map<string, Promise<{ image: Image; exposureSec?: number; biasSubtracted: boolean }>>();

function readMaster(path: string): Promise<{ image: Image; exposureSec?: number; biasSubtracted: boolean }> {
  let entry = masterCache.get(path);
  if (!entry) {
    entry = readFitsImage(path).then(({ image, header }) => ({
      image,
      exposureSec: exposureOf(header),
      biasSubtracted: header.get('BIASSUB') !== false,
    }));
    entry.catch(() => masterCache.delete(path));
    if (masterCache.size > 16) masterCache.clear();
    masterCache.set(path, entry);
  }
  return entry;
}

/** Masters by path (cached per worker: a night of lights reuses the same few). */
async function loadMasters(paths: NonNullable<ProcessFrameInput['steps']['calibrate']>): Promise<Masters> {
  const [bias, dark, flat] = await Promise.all(
    [paths.bias, paths.dark, paths.flat].map((p) => (p ? readMaster(p) : undefined)),
  );
  // A dark that still carries the bias is subtracted as it is, without the bias and without scaling.
  const darkKeepsBias = dark !== undefined && !dark.biasSubtracted;
  return {
    bias: darkKeepsBias ? undefined : bias?.image,
    dark: dark?.image,
    darkExposureSec: darkKeepsBias ? undefined : dark?.exposureSec,
    flat: flat?.image,
  };
}

function exposureOf(header: { get(key: string): unknown }): number | undefined {
  for (const key of ['EXPTIME', 'EXPOSURE']) {
    const v = header.get(key);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Every `step`-th finite value, so statistics of a 60-Mpx frame cost a fraction of a second. */
function subsample(data: Float32Array, max: number): Float32Array {
  const step = Math.max(1, Math.floor(data.length / max));
  const out = new Float32Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) if (Number.isFinite(data[i])) out[n++] = data[i];
  return out.subarray(0, n);
}

const KEYS = [
  'x',
  'y',
  'xErr',
  'yErr',
  'ra',
  'dec',
  'flux',
  'fluxErr',
  'fluxAuto',
  'mag',
  'magErr',
  'a',
  'b',
  'theta',
  'fwhm',
  'snr',
  'flags',
] as const;

/** The catalog columns the database keeps (the detection catalog may carry more). */
function toColumns(found: SourceColumns): SourceColumns {
  const out: Record<string, unknown> = { count: found.count };
  for (const k of KEYS) if (found[k] !== undefined) out[k] = found[k];
  return out as unknown as SourceColumns;
}

/** Instrumental magnitudes −2.5 log10(flux) and their errors 1.0857 σF/F (NaN where flux ≤ 0). */
function addInstrumentalMagnitudes(s: SourceColumns): void {
  if (!s.flux || s.mag) return;
  const mag = new Float64Array(s.count);
  const magErr = new Float64Array(s.count);
  for (let i = 0; i < s.count; i++) {
    const f = s.flux[i];
    mag[i] = f > 0 ? -2.5 * Math.log10(f) : Number.NaN;
    magErr[i] = f > 0 && s.fluxErr ? (2.5 / Math.LN10) * (s.fluxErr[i] / f) : Number.NaN;
  }
  s.mag = mag;
  s.magErr = magErr;
}
