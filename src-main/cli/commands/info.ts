import { basename } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { imageHeaderOfCompressed, type FitsHeader, type FitsValue } from '../../../src-workers/core/fits/index.js';
import { StreamingStats, type StreamedStats } from '../../../src-workers/core/stats/streaming.js';
import { verifyFileChecksums } from '../../../src-workers/io/fits-checksum.js';
import { readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { readImageStats, type StatsTimings } from '../../../src-workers/io/fits-stats.js';
import { sniffFile } from '../../../src-workers/io/sniff.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { UsageError } from '../cli-errors.js';
import { createProgress } from '../progress.js';
import { StageProfiler } from '../../node/profile.js';

/**
 * Statistics of an image HDU's finite physical values (`median` numpy-style, `stdev` population), with
 * NaN and ±Inf pixels counted apart. Null when no value is finite.
 */
export interface InfoStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
  stdev: number | null;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
}

/**
 * Observation time of an image HDU (its header over the primary's), from core/time as ingest reads it:
 * MJD (UTC) at start and mid-exposure, the exposure in seconds, BJD_TDB (JD) at mid-exposure when a sky
 * position and a site are known, the keywords used and, when something is missing, why.
 */
export interface InfoTime {
  mjdStartUtc: number;
  mjdMidUtc: number;
  exposureS: number | null;
  bjdTdbMid: number | null;
  /** Mid-exposure HJD (UTC, JD), beside BJD_TDB (same position and site). */
  hjdUtcMid: number | null;
  source: string;
  note?: string;
}

/**
 * Sky coordinates of an image HDU (its header over the primary's): the ICRS image centre and how the WCS
 * is built, or the reason there are none (the WCS reader's, naming the keyword).
 */
export type InfoSky =
  | { raCenterDeg: number; decCenterDeg: number; projection: string; frame: string; distortion: string }
  | { reason: string };

export interface InfoHdu {
  index: number;
  kind: 'image' | 'bintable' | 'table' | 'empty';
  bitpix: number;
  naxis: number[];
  header: Record<string, FitsValue>;
  /** Null for HDUs without image data. */
  stats: InfoStats | null;
  /** Image HDUs only: null when the header gives no usable time (the warnings say why). */
  time?: InfoTime | null;
  /** Image HDUs only, when `time` is null: why (e.g. no DATE-OBS, or one that cannot be parsed). */
  timeNote?: string;
  /** Image HDUs only. */
  sky?: InfoSky;
}

export interface InfoReport {
  file: string;
  hdus: InfoHdu[];
}

const USAGE = `
Usage: owb info FILE [--json] [--strict]

Describes a FITS file (plain, gzip-compressed or tile-compressed) or a PNG, JPEG or TIFF image,
recognised by content. One entry per HDU (a raster is one image entry) with its kind, BITPIX, axis
lengths, header and, for images, statistics of the finite physical pixel values (median as numpy
defines it, population standard deviation) with NaN and ±Inf pixels counted apart. Statistics are
streamed in bounded memory. A gzip file is inflated as a stream, never whole, and refused (exit 2)
when it inflates past OWB_MAX_INFLATE_BYTES bytes [1 GiB].

Image HDUs also get their observation time (DATE-OBS/TIME-OBS/UT, MJD-OBS, JD, DATE-BEG/END, TIMESYS,
EXPTIME/EXPOSURE/ITIME/TELAPSE) as ingest reads it, with BJD_TDB and HJD (UTC) where a sky position and a site are known;
a date that cannot be parsed is a warning on stderr and no time.

CHECKSUM and DATASUM are verified where present (FITS Standard 4.0, Appendix J): a mismatch is a warning
on stderr naming the HDU and keyword, or with --strict an error (exit 2).

Options:
  --json     print {"file", "hdus": [{"index", "kind", "bitpix", "naxis", "header", "stats", "time"}]}
             time: {"mjdStartUtc", "mjdMidUtc", "exposureS", "bjdTdbMid", "hjdUtcMid", "source", "note"?}
             or null with "timeNote" saying why; sky: {"raCenterDeg", "decCenterDeg", "projection",
             "frame", "distortion"} or {"reason"} when there are no sky coordinates
  --strict   refuse a file whose CHECKSUM or DATASUM does not match (exit 2)
  --verbose  show stack traces for errors
`;

function toStats(s: StreamedStats): InfoStats {
  const n = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    min: n(s.min),
    max: n(s.max),
    mean: n(s.mean),
    median: n(s.median),
    stdev: n(s.stdev),
    nanCount: s.nanCount,
    posInfCount: s.posInfCount,
    negInfCount: s.negInfCount,
  };
}

function arrayStats(data: Float32Array): StreamedStats {
  const stats = new StreamingStats();
  const values = Float64Array.from(data);
  do stats.add(values);
  while (stats.endPass());
  return stats.result();
}

/** Builds the `owb info` report for `path` (FITS or raster, by content). */
/** The time of an image HDU (or why there is none), and the header problems met (one line each) through `warn`. */
async function hduTime(primary: FitsHeader, image: FitsHeader, warn: (m: string) => void): Promise<InfoTime | string> {
  // Loaded only for FITS images: the Earth ephemeris is not needed to describe a raster.
  const [{ frameMetaFromHeader }, { layeredSource }, { readObservationTime }] = await Promise.all([
    import('../../node/pipeline/frame-meta.js'),
    import('../../node/pipeline/frame-time.js'),
    import('../../../src-workers/core/time/index.js'),
  ]);
  readObservationTime(layeredSource(image, primary), warn);
  const m = frameMetaFromHeader(primary, image);
  if (m.mjd === undefined || m.mjdStart === undefined) return m.timeNote ?? 'no observation time';
  return {
    mjdStartUtc: m.mjdStart,
    mjdMidUtc: m.mjd,
    exposureS: m.exposureSec ?? null,
    bjdTdbMid: m.bjdTdb ?? null,
    hjdUtcMid: m.hjdUtc ?? null,
    source: m.timeSource ?? '',
    ...(m.timeNote ? { note: m.timeNote } : {}),
  };
}

/** The image HDU's sky coordinates (its header over the primary's) or the reason there are none. */
async function hduSky(primary: FitsHeader, image: FitsHeader): Promise<InfoSky> {
  const { parseCelestialWcs, recordSource, summarizeWcs } = await import('../../../src-workers/core/wcs/index.js');
  const record = image === primary ? primary.toRecord() : { ...primary.toRecord(), ...image.toRecord() };
  const parsed = parseCelestialWcs(recordSource(record));
  if ('reason' in parsed) return { reason: parsed.reason };
  const s = summarizeWcs(parsed.wcs);
  if (!Number.isFinite(s.centre.ra) || !Number.isFinite(s.centre.dec))
    return { reason: 'the image centre lies outside the projection' };
  return {
    raCenterDeg: s.centre.ra,
    decCenterDeg: s.centre.dec,
    projection: s.projection,
    frame: s.frame.equinox === undefined ? s.frame.system : `${s.frame.system} ${s.frame.equinox}`,
    distortion: s.distortion,
  };
}

export async function describeFile(
  path: string,
  onProgress?: (done: number, total: number) => void,
  warn: (message: string) => void = () => {},
  profile?: StageProfiler,
): Promise<InfoReport> {
  const format = await sniffFile(path);
  const file = basename(path);
  if (format === 'png' || format === 'jpeg' || format === 'tiff') {
    // sharp is loaded only for rasters, so FITS-only runs do not pay for its start-up.
    const { rasterLuminance, readRaster } = await import('../../../src-workers/io/raster-file.js');
    const raster = await readRaster(path);
    const header: Record<string, FitsValue> = {
      FORMAT: format.toUpperCase(),
      CHANNELS: raster.channels,
      BITDEPTH: raster.bitDepth,
      STATSOF: raster.channels >= 3 ? 'luminance (Rec. 709)' : 'grey level',
    };
    const naxis = raster.channels > 1 ? [raster.width, raster.height, raster.channels] : [raster.width, raster.height];
    return {
      file,
      hdus: [
        {
          index: 0,
          kind: 'image',
          bitpix: raster.bitDepth,
          naxis,
          header,
          stats: toStats(arrayStats(rasterLuminance(raster))),
        },
      ],
    };
  }
  if (format === 'empty') throw new InputError('FITS_EMPTY', `${file}: file is empty (0 bytes)`);
  if (format !== 'fits' && format !== 'gzip') {
    throw new InputError('UNKNOWN_FORMAT', `${file}: not a FITS, PNG, JPEG or TIFF file`);
  }
  const t0 = performance.now();
  const structure = await readFitsStructure(path);
  profile?.add('open + header scan', performance.now() - t0);
  const hdus: InfoHdu[] = [];
  const total = structure.hdus.length;
  for (const hdu of structure.hdus) {
    const header = hdu.compressed ? imageHeaderOfCompressed(hdu.header) : hdu.header;
    let stats: InfoStats | null = null;
    if (hdu.kind === 'image' && hdu.naxis.length > 0 && hdu.naxis.every((n) => n > 0)) {
      // Streamed over a few passes in bounded memory (cubes: every plane), so a large or gzip file
      // costs a few MiB rather than its whole data as float32.
      const timings: StatsTimings = { readMs: 0, statsMs: 0, passes: 0, bytes: 0 };
      stats = toStats(await readImageStats(path, hdu.index, timings));
      const per = timings.passes > 0 ? timings.bytes / timings.passes : 0;
      profile?.add(`HDU ${hdu.index} read (${timings.passes} passes)`, timings.readMs, timings.bytes);
      profile?.add(`HDU ${hdu.index} statistics`, timings.statsMs, per);
    }
    const isImage = hdu.kind === 'image' && hdu.naxis.length >= 2;
    const timeOrNote = isImage
      ? await hduTime(structure.hdus[0].header, header, (m) => warn(`${file}: HDU ${hdu.index}: ${m}`))
      : undefined;
    const time = typeof timeOrNote === 'string' ? null : timeOrNote;
    hdus.push({
      index: hdu.index,
      kind: hdu.kind,
      bitpix: hdu.bitpix,
      naxis: hdu.naxis,
      header: header.toRecord(),
      stats,
      ...(time === undefined ? {} : { time }),
      ...(typeof timeOrNote === 'string' ? { timeNote: timeOrNote } : {}),
      ...(isImage ? { sky: await hduSky(structure.hdus[0].header, header) } : {}),
    });
    onProgress?.(hdu.index + 1, total);
  }
  return { file, hdus };
}

function formatNumber(v: number | null): string {
  if (v === null) return '-';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(4) : v.toPrecision(6);
}

function formatValue(v: FitsValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v === null) return '';
  return String(v);
}

/** The text-mode rendering: a summary table, then each HDU's header. */
export function formatReport(report: InfoReport): string {
  const lines = [`${report.file}: ${report.hdus.length} HDU${report.hdus.length === 1 ? '' : 's'}`, ''];
  const cols = ['HDU', 'KIND', 'BITPIX', 'SIZE', 'MIN', 'MAX', 'MEAN', 'MEDIAN', 'STDEV', 'NaN', 'Inf'];
  const rows = report.hdus.map((h) => [
    String(h.index),
    h.kind,
    String(h.bitpix),
    h.naxis.length ? h.naxis.join('×') : '-',
    ...(h.stats
      ? [h.stats.min, h.stats.max, h.stats.mean, h.stats.median, h.stats.stdev]
          .map(formatNumber)
          .concat(String(h.stats.nanCount), String(h.stats.posInfCount + h.stats.negInfCount))
      : ['-', '-', '-', '-', '-', '-', '-']),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  for (const h of report.hdus) {
    if (h.sky)
      lines.push(
        '',
        'reason' in h.sky
          ? `HDU ${h.index} sky: no sky coordinates: ${h.sky.reason}`
          : `HDU ${h.index} sky: centre RA ${h.sky.raCenterDeg.toFixed(6)}, Dec ${h.sky.decCenterDeg.toFixed(6)} ICRS` +
              ` (${h.sky.projection}, ${h.sky.frame}${h.sky.distortion === 'none' ? '' : `, ${h.sky.distortion}`})`,
      );
    if (h.timeNote) lines.push('', `HDU ${h.index} time: none: ${h.timeNote}`);
    if (h.time)
      lines.push(
        '',
        `HDU ${h.index} time: MJD ${h.time.mjdMidUtc.toFixed(8)} UTC mid-exposure` +
          `${h.time.bjdTdbMid === null ? '' : `, BJD_TDB ${h.time.bjdTdbMid.toFixed(8)}`}` +
          `${h.time.hjdUtcMid === null ? '' : `, HJD ${h.time.hjdUtcMid.toFixed(8)} UTC`} (${h.time.source})` +
          `${h.time.note ? `; ${h.time.note}` : ''}`,
      );
    lines.push('', `HDU ${h.index} header:`);
    const keys = Object.keys(h.header);
    const kw = Math.max(8, ...keys.map((k) => k.length));
    for (const k of keys) lines.push(`  ${k.padEnd(kw)} = ${formatValue(h.header[k])}`);
  }
  return `${lines.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'info',
  summary: 'Describe a FITS, PNG, JPEG or TIFF file: HDUs, headers, pixel statistics',
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('info', argv, {
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`info: expected one FILE, got ${positionals.length} (see 'owb info --help')`);
    const format = await sniffFile(positionals[0]);
    if (format === 'fits' || format === 'gzip') {
      // Before the statistics: a refused file should not cost their passes first.
      const sums = await verifyFileChecksums(positionals[0]);
      const what = `${basename(positionals[0])}: ${sums.problems.join('; ')}`;
      if (sums.state === 'bad' && values.strict) throw new InputError('FITS_BAD_CHECKSUM', what);
      if (sums.state === 'bad') ctx.stderr.write(`owb: warning: ${what}\n`);
    }
    const progress = createProgress(ctx.stderr, ctx.interactive, 'info');
    const profile = new StageProfiler();
    const warnings: string[] = [];
    const report = await describeFile(
      positionals[0],
      (done, total) => progress.update(done, total),
      (m) => warnings.push(m),
      profile,
    );
    progress.finish();
    for (const w of warnings) ctx.stderr.write(`owb info: warning: ${w}\n`);
    profile.timeSync('format + write', () =>
      ctx.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report)),
    );
    ctx.stderr.write(profile.format(`info ${basename(positionals[0])}`));
    return 0;
  },
};
