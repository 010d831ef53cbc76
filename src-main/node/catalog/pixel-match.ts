/**
 * Light-curve fields without a WCS: sources matched by pixel position within one pointing. The frame with
 * the most sources is the reference; each frame's shift is the median offset of its sources to their nearest
 * reference sources (within `searchPx`), then every source is paired with the nearest unclaimed reference
 * source within `radiusPx` after that shift. The shifts become the frames' x/y drift for detrending.
 */
import { SourceFlag } from '../../../src-workers/core/catalog/flags.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { MEASUREMENT_SATURATED } from '../../../src-workers/core/timeseries/index.js';
import type { SqliteDatabase } from './database.js';
import { fieldTimes } from './field-times.js';
import type { Field } from './light-curves.js';

interface SourceRecord {
  id: number;
  x: number;
  y: number;
  flux: number | null;
  fluxErr: number | null;
  flags: number;
}

/** A coarse grid of points for nearest-neighbour queries. */
class Grid {
  private readonly cells = new Map<string, number[]>();
  constructor(
    private readonly xs: number[],
    private readonly ys: number[],
    private readonly cellPx: number,
  ) {
    xs.forEach((x, i) => {
      const key = `${Math.floor(x / cellPx)},${Math.floor(ys[i] / cellPx)}`;
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    });
  }
  /** Index of the nearest point within `radius` (≤ cell size), or −1. */
  nearest(x: number, y: number, radius: number, taken?: Set<number>): number {
    const cx = Math.floor(x / this.cellPx);
    const cy = Math.floor(y / this.cellPx);
    let best = -1;
    let bestD = radius * radius;
    for (let i = cx - 1; i <= cx + 1; i++) {
      for (let j = cy - 1; j <= cy + 1; j++) {
        for (const k of this.cells.get(`${i},${j}`) ?? []) {
          if (taken?.has(k)) continue;
          const d = (this.xs[k] - x) ** 2 + (this.ys[k] - y) ** 2;
          if (d < bestD) {
            bestD = d;
            best = k;
          }
        }
      }
    }
    return best;
  }
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : 0;
}

/**
 * Loads `filter`'s processed frames as a pixel-matched field: stars are the reference frame's sources
 * (their `objectIds` are those source ids; ra/dec NaN), kept when matched in at least `minFrames` frames.
 */
export function loadPixelField(
  db: SqliteDatabase,
  filter: string,
  options: { radiusPx?: number; searchPx?: number; minFrames?: number } = {},
): Field & { matching: 'pixel' } {
  const radius = options.radiusPx ?? 2;
  const search = options.searchPx ?? 20;
  const frames = db
    .prepare(
      `SELECT id, mjd, bjd_tdb, hjd_utc, exposure_sec, header_json, quality_json FROM frames
        WHERE coalesce(filter, '') = ? AND source_count > 0 AND frame_type IN ('light', 'unknown') ORDER BY mjd, id`,
    )
    .all(filter) as Array<{
    id: number;
    mjd: number | null;
    bjd_tdb: number | null;
    hjd_utc: number | null;
    exposure_sec: number | null;
    header_json: string | null;
    quality_json: string | null;
  }>;
  if (frames.length < 2) throw new InputError('LC_FEW_FRAMES', `filter '${filter}': fewer than 2 frames with sources`);
  const bySource = db.prepare(
    'SELECT id, x, y, flux, flux_err AS fluxErr, flags FROM sources WHERE frame_id = ? ORDER BY idx',
  );
  const sources = frames.map((f) => bySource.all(f.id) as SourceRecord[]);
  let ref = 0;
  for (let f = 1; f < frames.length; f++) if (sources[f].length > sources[ref].length) ref = f;
  const refSources = sources[ref];
  const grid = new Grid(
    refSources.map((s) => s.x),
    refSources.map((s) => s.y),
    Math.max(search, radius),
  );
  const nF = frames.length;
  const nRef = refSources.length;
  const match = frames.map(() => new Int32Array(nRef).fill(-1));
  const shift = frames.map(() => [0, 0]);
  for (let f = 0; f < nF; f++) {
    const dx: number[] = [];
    const dy: number[] = [];
    for (const s of sources[f]) {
      const k = grid.nearest(s.x, s.y, search);
      if (k < 0) continue;
      dx.push(s.x - refSources[k].x);
      dy.push(s.y - refSources[k].y);
    }
    shift[f] = [median(dx), median(dy)];
    const taken = new Set<number>();
    sources[f].forEach((s, i) => {
      const k = grid.nearest(s.x - shift[f][0], s.y - shift[f][1], radius, taken);
      if (k >= 0) {
        taken.add(k);
        match[f][k] = i;
      }
    });
  }
  const minFrames = options.minFrames ?? Math.max(2, Math.ceil(nF / 2));
  const keep: number[] = [];
  for (let k = 0; k < nRef; k++) {
    let n = 0;
    for (let f = 0; f < nF; f++) if (match[f][k] >= 0) n++;
    if (n >= minFrames) keep.push(k);
  }
  const nS = keep.length;
  const fluxE = new Float64Array(nF * nS).fill(Number.NaN);
  const fluxErrE = new Float64Array(nF * nS).fill(Number.NaN);
  const flags = new Uint8Array(nF * nS);
  for (let f = 0; f < nF; f++) {
    keep.forEach((k, s) => {
      const i = match[f][k];
      if (i < 0) return;
      const src = sources[f][i];
      if (src.flux === null) return;
      fluxE[f * nS + s] = src.flux;
      fluxErrE[f * nS + s] = src.fluxErr !== null && src.fluxErr > 0 ? src.fluxErr : Math.sqrt(Math.max(src.flux, 1));
      if (src.flags & SourceFlag.SATURATED) flags[f * nS + s] = MEASUREMENT_SATURATED;
    });
  }
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    matching: 'pixel',
    filter,
    input: {
      frames: frames.map((fr, f) => {
        const header = fr.header_json ? (JSON.parse(fr.header_json) as Record<string, unknown>) : {};
        const quality = fr.quality_json ? (JSON.parse(fr.quality_json) as Record<string, unknown>) : {};
        return {
          exposureSec: (num(fr.exposure_sec) ?? 0) > 0 ? (fr.exposure_sec as number) : 1,
          airmass: num(header.AIRMASS),
          fwhmPx: num(quality.fwhmPx),
          skyE: num(quality.medianAdu),
          dxPx: shift[f][0],
          dyPx: shift[f][1],
        };
      }),
      stars: keep.map((k) => ({ xPx: refSources[k].x, yPx: refSources[k].y })),
      fluxE,
      fluxErrE,
      flags,
    },
    frameIds: frames.map((f) => f.id),
    mjd: frames.map((f) => f.mjd ?? Number.NaN),
    bjdTdb: frames.map((f) => f.bjd_tdb),
    hjdUtc: frames.map((f) => f.hjd_utc),
    ...fieldTimes(
      frames.map((f) => f.mjd ?? Number.NaN),
      frames.map((f) => f.bjd_tdb),
    ),
    objectIds: keep.map((k) => refSources[k].id),
    ra: keep.map(() => Number.NaN),
    dec: keep.map(() => Number.NaN),
  };
}
