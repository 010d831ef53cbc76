/**
 * Light curves from the catalog: loads one filter's frames × objects measurement matrix, runs core's ensemble
 * differential photometry for one target or for every object, and stores per-object variability statistics
 * (migration 007) with the most significant ones queued as `variable` candidates for curation.
 *
 * Times: frames carry MJD (UTC) and, where the frame had a sky position and a site, BJD_TDB at mid-exposure
 * (migration 004). A field whose frames all have BJD_TDB is analysed in BJD_TDB (`timeSystem: 'BJD_TDB'`),
 * otherwise in MJD (UTC) — never a mix of the two. Objects come from sky cross-matching (frames with a WCS).
 */
import { SourceFlag } from '../../../src-workers/core/catalog/flags.js';
import { InputError } from '../../../src-workers/core/errors.js';
import {
  ensemblePhotometry,
  forEachLightCurve,
  LC_FLAG,
  MEASUREMENT_SATURATED,
  variabilityStats,
  type EnsembleInput,
  type EnsembleOptions,
  type EnsembleResult,
  type VariabilityStats,
} from '../../../src-workers/core/timeseries/index.js';
import { storedComparisonStars } from './comparison-stars.js';
import type { SqliteDatabase } from './database.js';
import { fieldTimes, type TimeSystem } from './field-times.js';
import { loadPixelField } from './pixel-match.js';

export { fieldTimes, TIME_SYSTEM, type TimeSystem } from './field-times.js';

/** One filter's measurement matrix with the ids behind its rows and columns. */
export interface Field {
  filter: string;
  /** How measurements were grouped into stars: sky cross-matching [sky] or pixel matching within one pointing. */
  matching?: 'sky' | 'pixel';
  input: EnsembleInput;
  frameIds: number[];
  /** Mid-exposure MJD (UTC) per frame. */
  mjd: number[];
  /** Mid-exposure BJD_TDB (Julian date) per frame, null where the frame has none. */
  bjdTdb: (number | null)[];
  /** Mid-exposure HJD (UTC, Julian date) per frame, null where the frame has none (migration 011). */
  hjdUtc: (number | null)[];
  /** Analysis time per frame in days: BJD_TDB − 2400000.5 or MJD (UTC), as `timeSystem` says. */
  time: number[];
  timeSystem: TimeSystem;
  objectIds: number[];
  ra: number[];
  dec: number[];
}

interface FrameRecord {
  id: number;
  mjd: number | null;
  bjd_tdb: number | null;
  hjd_utc: number | null;
  airmass: number | null;
  exposure_sec: number | null;
  header_json: string | null;
  quality_json: string | null;
}

/** Filters that have measurements, most measured first. */
export function measuredFilters(db: SqliteDatabase): string[] {
  return (
    db
      .prepare(
        "SELECT coalesce(filter, '') AS filter, count(*) AS n FROM measurements GROUP BY coalesce(filter, '') ORDER BY n DESC",
      )
      .all() as Array<{ filter: string }>
  ).map((r) => r.filter);
}

/**
 * Loads the measurements of `filter` ('' = none) into an ensemble input: frames in time order, objects
 * measured in at least `minFrames` of them (plus `mustInclude`). Flux errors missing from the catalog fall
 * back to √flux (Poisson in the stored unit).
 */
export function loadField(
  db: SqliteDatabase,
  filter: string,
  options: { minFrames?: number; mustInclude?: number } = {},
): Field {
  const frames = db
    .prepare(
      `SELECT id, mjd, bjd_tdb, hjd_utc, airmass, exposure_sec, header_json, quality_json FROM frames WHERE id IN
         (SELECT DISTINCT frame_id FROM measurements WHERE coalesce(filter, '') = ?) ORDER BY mjd, id`,
    )
    .all(filter) as FrameRecord[];
  const minFrames = options.minFrames ?? Math.max(2, Math.ceil(frames.length / 2));
  const objects = db
    .prepare(
      `SELECT o.id, o.ra, o.dec, count(*) AS n FROM measurements m JOIN objects o ON o.id = m.object_id
        WHERE coalesce(m.filter, '') = ? GROUP BY o.id HAVING n >= ? OR o.id = ? ORDER BY o.id`,
    )
    .all(filter, minFrames, options.mustInclude ?? -1) as Array<{ id: number; ra: number; dec: number }>;
  const frameIndex = new Map(frames.map((f, i) => [f.id, i]));
  const starIndex = new Map(objects.map((o, i) => [o.id, i]));
  const nF = frames.length;
  const nS = objects.length;
  const fluxE = new Float64Array(nF * nS).fill(Number.NaN);
  const fluxErrE = new Float64Array(nF * nS).fill(Number.NaN);
  const flags = new Uint8Array(nF * nS);
  const sx = new Float64Array(nS);
  const sy = new Float64Array(nS);
  const sn = new Float64Array(nS);
  const rows = db
    .prepare(
      `SELECT m.object_id AS objectId, m.frame_id AS frameId, m.flux, m.flux_err AS fluxErr, s.x, s.y, s.flags
         FROM measurements m LEFT JOIN sources s ON s.id = m.source_id WHERE coalesce(m.filter, '') = ?`,
    )
    .iterate(filter) as IterableIterator<{
    objectId: number;
    frameId: number;
    flux: number | null;
    fluxErr: number | null;
    x: number | null;
    y: number | null;
    flags: number | null;
  }>;
  for (const r of rows) {
    const s = starIndex.get(r.objectId);
    const f = frameIndex.get(r.frameId);
    if (s === undefined || f === undefined || r.flux === null) continue;
    const k = f * nS + s;
    fluxE[k] = r.flux;
    fluxErrE[k] = r.fluxErr !== null && r.fluxErr > 0 ? r.fluxErr : Math.sqrt(Math.max(r.flux, 1));
    if ((r.flags ?? 0) & SourceFlag.SATURATED) flags[k] = MEASUREMENT_SATURATED;
    if (r.x !== null && r.y !== null) {
      sx[s] += r.x;
      sy[s] += r.y;
      sn[s]++;
    }
  }
  const inputFrames = frames.map((f) => {
    const header = f.header_json ? (JSON.parse(f.header_json) as Record<string, unknown>) : {};
    const quality = f.quality_json ? (JSON.parse(f.quality_json) as Record<string, unknown>) : {};
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return {
      exposureSec: num(f.exposure_sec) && (f.exposure_sec as number) > 0 ? (f.exposure_sec as number) : 1,
      // The header's AIRMASS, else the one computed at ingest from the site and the target.
      airmass: num(header.AIRMASS) ?? num(f.airmass),
      fwhmPx: num(quality.fwhmPx),
      skyE: num(quality.medianAdu),
    };
  });
  const mjd = frames.map((f) => f.mjd ?? Number.NaN);
  const bjdTdb = frames.map((f) => f.bjd_tdb);
  return {
    filter,
    input: {
      frames: inputFrames,
      // Pixel positions are the mean over frames: isolation is judged within one pointing.
      stars: objects.map((_, s) => ({
        xPx: sn[s] ? sx[s] / sn[s] : Number.NaN,
        yPx: sn[s] ? sy[s] / sn[s] : Number.NaN,
      })),
      fluxE,
      fluxErrE,
      flags,
    },
    frameIds: frames.map((f) => f.id),
    mjd,
    bjdTdb,
    hjdUtc: frames.map((f) => f.hjd_utc),
    ...fieldTimes(mjd, bjdTdb),
    objectIds: objects.map((o) => o.id),
    ra: objects.map((o) => o.ra),
    dec: objects.map((o) => o.dec),
  };
}

/** The filter an object was measured in most. */
export function mainFilter(db: SqliteDatabase, objectId: number): string {
  const row = db
    .prepare(
      "SELECT coalesce(filter, '') AS filter, count(*) AS n FROM measurements WHERE object_id = ? GROUP BY 1 ORDER BY n DESC LIMIT 1",
    )
    .get(objectId) as { filter: string } | undefined;
  if (!row) throw new InputError('LC_NO_OBJECT', `object ${objectId} has no measurements in the catalog`);
  return row.filter;
}

/** The ensemble light curve of one object, with the frame and object ids it refers to. */
export interface ObjectLightCurve {
  field: Field;
  target: number;
  result: EnsembleResult;
  /** Object ids of the comparison stars used and rejected. */
  compObjects: number[];
  rejectedObjects: Array<{ objectId: number; reducedChi2: number }>;
}

/**
 * Ensemble light curve of `objectId` in its main filter. `compObjects` (object ids) overrides the
 * automatic comparison choice; without it the comparison stars the user chose for this target
 * (`comparison_stars`, migration 009) are used, unless `storedComps` is false (an explicit "auto").
 */
export function objectLightCurve(
  db: SqliteDatabase,
  objectId: number,
  options: EnsembleOptions & { compObjects?: number[]; storedComps?: boolean } = {},
): ObjectLightCurve {
  const field = loadField(db, mainFilter(db, objectId), { mustInclude: objectId });
  const target = field.objectIds.indexOf(objectId);
  let comps: number[] | undefined;
  const chosen =
    options.compObjects ?? (options.storedComps === false ? undefined : storedComparisonStars(db, objectId));
  if (chosen?.length) {
    comps = chosen.map((id) => {
      const s = field.objectIds.indexOf(id);
      if (s < 0)
        throw new InputError(
          'LC_COMPS',
          `comparison object ${id} is not measured in enough frames of filter '${field.filter}'`,
        );
      return s;
    });
  }
  const result = ensemblePhotometry(field.input, target, { ...options, comps });
  return {
    field,
    target,
    result,
    compObjects: result.comps.map((s) => field.objectIds[s]),
    rejectedObjects: result.rejectedComps.map((r) => ({
      objectId: field.objectIds[r.star],
      reducedChi2: r.reducedChi2,
    })),
  };
}

/**
 * Ensemble light curve of the star nearest pixel (xPx, yPx) (within 3 px) of the reference frame, for frames
 * without a WCS: stars matched by pixel position within one pointing (see `pixel-match.ts`). The ids in
 * `compObjects` are then the reference frame's source ids. `filter` defaults to the filter with most frames.
 */
export function pixelLightCurve(
  db: SqliteDatabase,
  xPx: number,
  yPx: number,
  options: EnsembleOptions & { filter?: string } = {},
): ObjectLightCurve {
  const filter =
    options.filter ??
    (
      db
        .prepare(
          "SELECT coalesce(filter, '') AS filter FROM frames WHERE source_count > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        )
        .get() as { filter: string } | undefined
    )?.filter;
  if (filter === undefined) throw new InputError('LC_FEW_FRAMES', 'no frames with sources in the catalog');
  const field = loadPixelField(db, filter);
  let target = -1;
  let best = 9;
  field.input.stars.forEach((s, i) => {
    const d = (s.xPx - xPx) ** 2 + (s.yPx - yPx) ** 2;
    if (d < best) {
      best = d;
      target = i;
    }
  });
  if (target < 0) {
    throw new InputError(
      'LC_NO_STAR',
      `no star measured in most frames within 3 px of (${xPx}, ${yPx}) in filter '${filter}'`,
    );
  }
  const result = ensemblePhotometry(field.input, target, options);
  return {
    field,
    target,
    result,
    compObjects: result.comps.map((s) => field.objectIds[s]),
    rejectedObjects: result.rejectedComps.map((r) => ({
      objectId: field.objectIds[r.star],
      reducedChi2: r.reducedChi2,
    })),
  };
}

/** Light-curve rows for export, one per frame (rejected and flagged points kept, with their flags). */
export function lightCurveRows(lc: ObjectLightCurve): Array<Record<string, number | string | null>> {
  const { field, result } = lc;
  return field.frameIds.map((frame, f) => ({
    bjdTdb: field.bjdTdb[f],
    mjd: field.mjd[f],
    mag: finite(result.mag[f]),
    magErr: finite(result.magErr[f]),
    magInst: finite(result.magInst[f]),
    flux: finite(result.relativeFlux[f]),
    flags: result.flags[f],
    frame,
    rejected: result.flags[f] & LC_FLAG.OUTLIER ? 1 : 0,
    magRaw: finite(result.magRaw[f]),
    zeroPoint: finite(result.zeroPoint[f]),
    airmass: field.input.frames[f].airmass ?? null,
    filter: field.filter,
    timeSystem: field.timeSystem,
    matching: field.matching ?? 'sky',
    hjdUtc: field.hjdUtc[f] ?? null,
  }));
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** One object's stored statistics. */
export interface VariabilityRow extends VariabilityStats {
  id: number;
  ra: number;
  dec: number;
  filter: string;
  nRejected: number;
  timeSystem: string;
}

/**
 * Variability statistics of every object measured in at least `minObs` good points, per filter, against a
 * field-wide ensemble; stored in `object_variability` (replacing earlier rows) and, when `chi2Fap` is below
 * `candidateFap`, queued as a `variable` candidate (score = −log10 FAP) unless one is already queued.
 * Returns the rows most variable first (smallest FAP, then largest reduced χ²).
 */
export function computeVariability(
  db: SqliteDatabase,
  options: EnsembleOptions & { minObs?: number; candidateFap?: number } = {},
): VariabilityRow[] {
  const minObs = options.minObs ?? 5;
  const candidateFap = options.candidateFap ?? 1e-3;
  const out: VariabilityRow[] = [];
  for (const filter of measuredFilters(db)) {
    const field = loadField(db, filter);
    if (field.objectIds.length < 3) continue;
    try {
      forEachLightCurve(
        field.input,
        { ...options, rejectChi2: options.rejectChi2 ?? 3, maxComps: options.maxComps ?? 30 },
        (s, curve) => {
          const good: number[] = [];
          let rejected = 0;
          for (let f = 0; f < curve.flags.length; f++) {
            if (!curve.flags[f]) good.push(f);
            else if (curve.flags[f] & LC_FLAG.OUTLIER) rejected++;
          }
          if (good.length < minObs) return;
          const stats = variabilityStats(
            good.map((f) => field.time[f]),
            good.map((f) => curve.mag[f]),
            good.map((f) => curve.magErr[f]),
          );
          out.push({
            id: field.objectIds[s],
            ra: field.ra[s],
            dec: field.dec[s],
            filter,
            nRejected: rejected,
            timeSystem: field.timeSystem,
            ...stats,
          });
        },
      );
    } catch (error) {
      if (error instanceof InputError)
        throw new InputError(error.code, `filter '${filter || 'none'}': ${error.message}`);
      throw error;
    }
  }
  out.sort((a, b) => a.chi2Fap - b.chi2Fap || b.reducedChi2 - a.reducedChi2 || a.id - b.id);
  const now = Date.now();
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO object_variability (object_id, filter, n_obs, n_rejected, weighted_mean, weighted_mean_err,
       weighted_sigma, reduced_chi2, chi2_fap, mad, iqr, von_neumann_eta, stetson_j, stetson_k, amplitude, amplitude_robust,
       time_system, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const queued = db.prepare("SELECT 1 FROM candidates WHERE kind = 'variable' AND object_id = ?");
  const addCandidate = db.prepare(
    "INSERT INTO candidates (kind, object_id, score, details_json, created_at) VALUES ('variable', ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const r of out) {
      upsert.run(
        r.id,
        r.filter,
        r.nObs,
        r.nRejected,
        r.weightedMean,
        r.weightedMeanErr,
        r.weightedSigma,
        r.reducedChi2,
        r.chi2Fap,
        r.mad,
        r.iqr,
        r.vonNeumannEta,
        r.stetsonJ,
        r.stetsonK,
        r.amplitude,
        r.amplitudeRobust,
        r.timeSystem,
        now,
      );
      if (r.chi2Fap < candidateFap && !queued.get(r.id)) {
        const score = -Math.log10(Math.max(r.chi2Fap, 1e-300));
        addCandidate.run(
          r.id,
          score,
          JSON.stringify({
            filter: r.filter,
            reducedChi2: r.reducedChi2,
            chi2Fap: r.chi2Fap,
            stetsonJ: r.stetsonJ,
            amplitude: r.amplitude,
          }),
          now,
        );
      }
    }
  })();
  return out;
}
