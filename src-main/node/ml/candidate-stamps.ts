import { createHash } from 'node:crypto';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { normalizeStamp } from '../../../src-workers/ml/index.js';
import type { SqliteDatabase } from '../catalog/index.js';

/** Where a transient candidate's three stamps come from: its position and the three frames. */
export interface CandidateTriplet {
  id: number;
  x: number;
  y: number;
  sciencePath: string | null;
  referencePath: string | null;
  differencePath: string | null;
}

export interface CandidateRow {
  id: number;
  details_json: string | null;
  sx: number | null;
  sy: number | null;
  frame_path: string | null;
}

/**
 * The SELECT every reader of triplets uses, resolving position and paths as the curation view's
 * `owb:curation.stamps` does: the source row's x/y, else the details' x/y; the candidate's frame, else
 * the details' sciencePath; referencePath / differencePath (or their snake_case spellings).
 */
export const TRIPLET_SELECT = `SELECT c.id, c.details_json, s.x AS sx, s.y AS sy, f.path AS frame_path
  FROM candidates c LEFT JOIN sources s ON s.id = c.source_id LEFT JOIN frames f ON f.id = c.frame_id`;

export function tripletOf(row: CandidateRow): CandidateTriplet {
  let d: Record<string, unknown>;
  try {
    d = row.details_json ? (JSON.parse(row.details_json) as Record<string, unknown>) : {};
  } catch {
    d = {};
  }
  const path = (...values: unknown[]): string | null => {
    const v = values.find((p) => typeof p === 'string' && p !== '');
    return typeof v === 'string' ? v : null;
  };
  return {
    id: row.id,
    x: row.sx ?? Number(d.x ?? Number.NaN),
    y: row.sy ?? Number(d.y ?? Number.NaN),
    sciencePath: path(row.frame_path, d.sciencePath),
    referencePath: path(d.referencePath, d.reference_path),
    differencePath: path(d.differencePath, d.difference_path),
  };
}

/** Transient candidates selected by `where` (SQL on alias c, with `args`), in id order. */
export function transientTriplets(db: SqliteDatabase, where = '1', args: unknown[] = []): CandidateTriplet[] {
  const rows = db
    .prepare(`${TRIPLET_SELECT} WHERE c.kind = 'transient' AND (${where}) ORDER BY c.id`)
    .all(...args) as CandidateRow[];
  return rows.map(tripletOf);
}

type Plane = { width: number; height: number; data: Float32Array };

/**
 * A size×size cut whose first pixel is (round(x) − ⌊size/2⌋, round(y) − ⌊size/2⌋), the cut the curation
 * view shows (`stamp` in api/frame-images.ts); outside the frame is NaN (normalised to 0).
 */
export function cutStamp(image: Plane, x: number, y: number, size: number): Float32Array {
  const x0 = Math.round(x) - Math.floor(size / 2);
  const y0 = Math.round(y) - Math.floor(size / 2);
  const out = new Float32Array(size * size).fill(Number.NaN);
  for (let j = 0; j < size; j++) {
    const py = y0 + j;
    if (py < 0 || py >= image.height) continue;
    for (let i = 0; i < size; i++) {
      const px = x0 + i;
      if (px >= 0 && px < image.width) out[j * size + i] = image.data[py * image.width + px];
    }
  }
  return out;
}

export interface CutTriplets {
  /** Candidate ids that were cut, in the order of `data`. */
  ids: number[];
  /** Normalised stamps, 3 × size × size per candidate, in a shared buffer for the ML threads. */
  data: Float32Array;
  /** SHA-256 of each candidate's raw (unnormalised) float32 triplet, for dataset hashes. */
  hashes: string[];
  /** Candidates whose frames could not be read or whose position is not finite. */
  skipped: number[];
}

/**
 * Cuts and normalises the science, reference and difference stamps of each candidate, reading each frame
 * once. Candidates with an unreadable frame are skipped, not fatal: a catalog outlives its files.
 */
export async function cutTriplets(triplets: readonly CandidateTriplet[], size: number): Promise<CutTriplets> {
  const cache = new Map<string, Promise<Plane | null>>();
  const image = (path: string | null): Promise<Plane | null> => {
    if (!path) return Promise.resolve(null);
    let hit = cache.get(path);
    if (!hit) {
      hit = readFitsImage(path).then(
        (r) => r.image,
        () => null,
      );
      cache.set(path, hit);
    }
    return hit;
  };
  const plane = size * size;
  const data = new Float32Array(new SharedArrayBuffer(Math.max(1, triplets.length) * 3 * plane * 4));
  const ids: number[] = [];
  const hashes: string[] = [];
  const skipped: number[] = [];
  for (const t of triplets) {
    const planes = await Promise.all([image(t.sciencePath), image(t.referencePath), image(t.differencePath)]);
    if (planes.some((p) => !p) || !Number.isFinite(t.x) || !Number.isFinite(t.y)) {
      skipped.push(t.id);
      continue;
    }
    const raw = new Float32Array(3 * plane);
    planes.forEach((p, k) => raw.set(cutStamp(p!, t.x, t.y, size), k * plane));
    const k = ids.length;
    normalizeStamp(raw, 3, plane, data.subarray(k * 3 * plane, (k + 1) * 3 * plane));
    hashes.push(createHash('sha256').update(new Uint8Array(raw.buffer)).digest('hex'));
    ids.push(t.id);
  }
  return { ids, data: data.subarray(0, Math.max(1, ids.length) * 3 * plane), hashes, skipped };
}
