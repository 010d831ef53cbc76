import type { Result } from '../../src-main/common/result.js';
import type {
  ProcessFrameInput,
  ProcessFrameOutput,
  SourceColumns,
} from '../../src-main/common/tasks/process-frame.js';
import { applyMasters, type Masters } from '../core/calibrate/index.js';
import { detectSources } from '../core/detect/index.js';
import { forcedPhotometry } from '../core/photometry/forced.js';
import { addMagnitudes } from '../core/photometry/magnitudes.js';
import type { Image } from '../core/image/image.js';
import { mad, median } from '../core/stats/index.js';
import { readFitsImage } from '../io/fits-file.js';
import { parseCelestialWcs } from '../core/wcs/index.js';

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
    let noSkyReason: string | undefined;
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
      const found = detectSources(image, {
        threshSigma: input.steps.detect.threshSigma,
        minAreaPx: input.steps.detect.minAreaPx,
        ...(input.steps.photometry ? { apertureRadiusPx: input.steps.photometry.radiusPx } : {}),
      });
      sources = toColumns(found);
      ran.push('detect');
      if (input.steps.photometry && sources.count > 0) {
        // Aperture photometry with a local annulus background (photometry engine), instrumental magnitudes.
        const phot = forcedPhotometry(image, sources.x, sources.y, {
          radiusPx: input.steps.photometry.radiusPx ?? 4,
          annulusPx: input.steps.photometry.annulusPx,
        });
        const flags = Int32Array.from(sources.flags ?? new Int32Array(sources.count));
        for (let i = 0; i < sources.count; i++) flags[i] |= phot.flags[i];
        const measured = { count: sources.count, flux: phot.flux, fluxErr: phot.fluxErr } as {
          count: number;
          flux: Float64Array;
          fluxErr: Float64Array;
          mag?: Float64Array;
          magErr?: Float64Array;
        };
        addMagnitudes(measured, 0);
        Object.assign(sources, {
          flux: phot.flux,
          fluxErr: phot.fluxErr,
          mag: measured.mag,
          magErr: measured.magErr,
          flags,
        });
        ran.push('photometry');
      } else if (input.steps.photometry) {
        ran.push('photometry');
      }
      const parsed = parseCelestialWcs(header);
      if ('reason' in parsed) noSkyReason = `${input.path}: no sky coordinates: ${parsed.reason}`;
      else if (sources.count > 0 && !sources.ra) {
        const ra = new Float64Array(sources.count);
        const dec = new Float64Array(sources.count);
        for (let i = 0; i < sources.count; i++) [ra[i], dec[i]] = parsed.wcs.pixelToSky(sources.x[i], sources.y[i]);
        sources.ra = ra;
        sources.dec = dec;
      }
      if (sources.fwhm && sources.count > 0) quality.fwhmPx = median(sources.fwhm);
    }
    return {
      ok: true,
      value: {
        width: image.width,
        height: image.height,
        quality,
        ran,
        skipped,
        sources,
        ...(noSkyReason ? { noSkyReason } : {}),
      },
    };
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
