/**
 * Catalog rows (schema of `node/catalog/migrations`) → the DTOs of `common/workbench-dto.ts`.
 * Read-only mapping; the catalog module owns the schema.
 */
import type { FrameRow, JobRow, LabelRecord, ObjectRow, SourceRow } from '../../common/workbench-dto.js';

export interface FrameDbRow {
  id: number;
  path: string;
  file_name: string;
  header_json: string | null;
  frame_type: string;
  filter: string | null;
  exposure_sec: number | null;
  date_obs: string | null;
  mjd: number | null;
  width: number | null;
  height: number | null;
  wcs_json: string | null;
  quality_json: string | null;
  source_count: number | null;
  status: string;
  /** Migration 006. */
  solve_status?: string | null;
  solve_reason?: string | null;
  phot_zp?: number | null;
  /** Migration 005; NULL for frames ingested before it. */
  checksum_state?: string | null;
  checksum_note?: string | null;
  /** Migration 004: why a time or BJD_TDB is missing. */
  time_note?: string | null;
}

export interface JobDbRow {
  id: number;
  kind: string;
  frame_id: number | null;
  state: string;
  attempts: number;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result_json: string | null;
  path?: string | null;
}

export interface SourceDbRow {
  id: number;
  frame_id: number;
  x: number;
  y: number;
  ra: number | null;
  dec: number | null;
  flux: number | null;
  flux_err: number | null;
  mag: number | null;
  fwhm: number | null;
  snr: number | null;
  flags: number;
  object_id: number | null;
}

/** An `objects` row with its mean magnitude over its measurements (`OBJECT_COLUMNS`, alias `o`). */
export interface ObjectDbRow {
  id: number;
  ra: number;
  dec: number;
  n_obs: number;
  mean_mag: number | null;
}

/** The select list that yields an `ObjectDbRow` from `objects o`. */
export const OBJECT_COLUMNS =
  'o.id, o.ra, o.dec, o.n_obs, (SELECT AVG(m.mag) FROM measurements m WHERE m.object_id = o.id) AS mean_mag';

export interface LabelDbRow {
  id: number;
  candidate_id: number;
  label: string;
  created_at: number;
  undone_at: number | null;
}

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

function parseJson(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function pickNumber(record: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const v = record[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

export function frameFromRow(row: FrameDbRow): FrameRow {
  const quality = parseJson(row.quality_json);
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    imageType: row.frame_type,
    filter: row.filter,
    exposureSec: row.exposure_sec,
    dateObs: row.date_obs,
    width: row.width,
    height: row.height,
    fwhmPx: pickNumber(quality, 'fwhmPx', 'fwhm', 'medianFwhmPx'),
    backgroundAdu: pickNumber(quality, 'backgroundAdu', 'background', 'medianAdu', 'skyAdu'),
    starCount: row.source_count ?? pickNumber(quality, 'starCount', 'sources'),
    status: row.status,
    ...(row.solve_status === 'solved' || row.solve_status === 'unsolved'
      ? { solveStatus: row.solve_status, solveReason: row.solve_reason ?? null, photZp: row.phot_zp ?? null }
      : {}),
    checksumState: checksumStateOf(row.checksum_state),
    checksumNote: row.checksum_note ?? null,
  };
}

function checksumStateOf(value: string | null | undefined): FrameRow['checksumState'] {
  return value === 'ok' || value === 'bad' || value === 'absent' ? value : null;
}

export function jobFromRow(row: JobDbRow): JobRow {
  const result = parseJson(row.result_json);
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    frameId: row.frame_id,
    path: row.path ?? null,
    progress: row.state === 'done' ? 1 : pickNumber(result, 'progress'),
    attempts: row.attempts,
    error: row.error,
    createdAt: iso(row.created_at) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export function sourceFromRow(row: SourceDbRow): SourceRow {
  return {
    id: row.id,
    frameId: row.frame_id,
    x: row.x,
    y: row.y,
    raDeg: row.ra,
    decDeg: row.dec,
    flux: row.flux ?? Number.NaN,
    fluxErr: row.flux_err,
    mag: row.mag,
    snr: row.snr ?? Number.NaN,
    fwhmPx: row.fwhm,
    flags: row.flags,
    objectId: row.object_id,
  };
}

export function objectFromRow(row: ObjectDbRow): ObjectRow {
  return { id: row.id, raDeg: row.ra, decDeg: row.dec, nMeasurements: row.n_obs, meanMag: row.mean_mag };
}

export function labelFromRow(row: LabelDbRow, kind: string, targetId: number, previous: string | null): LabelRecord {
  return {
    id: row.id,
    targetKind: kind,
    targetId,
    label: row.undone_at == null ? row.label : null,
    previous,
    createdAt: iso(row.created_at) ?? '',
  };
}
