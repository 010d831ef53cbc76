import type { Catalog } from '../catalog.js';
import type { ConeHit } from '../spatial-index.js';
import type { ReferenceList } from './columns.js';

/** One reference row with the nearest catalog object within the radius (object fields null when none). */
export interface ReferenceMatch {
  ref_row: number;
  ref_id: string | null;
  ref_ra: number;
  ref_dec: number;
  ref_mag: number | null;
  ref_mag_err: number | null;
  object_id: number | null;
  ra: number | null;
  dec: number | null;
  sep_arcsec: number | null;
  n_obs: number | null;
}

/**
 * Nearest catalog object within `radiusArcsec` of every reference position (cone search on the catalog's
 * spatial index). Each object is given to the closest reference row only, so two reference stars never
 * share one object; the farther one is left unmatched.
 */
export function crossMatchReference(
  catalog: Pick<Catalog, 'cone'>,
  ref: ReferenceList,
  radiusArcsec: number,
  options: { unmatched?: boolean } = {},
): ReferenceMatch[] {
  const nearest: Array<ConeHit | undefined> = [];
  for (let i = 0; i < ref.rows; i++) nearest.push(catalog.cone(ref.ra[i], ref.dec[i], radiusArcsec)[0]);
  return assignReferenceMatches(ref, nearest, options);
}

/**
 * The matches from each reference row's nearest object within the radius (`nearest[i]`, from any backend's
 * cone search): each object goes to the closest reference row only.
 */
export function assignReferenceMatches(
  ref: ReferenceList,
  nearest: ReadonlyArray<ConeHit | undefined>,
  options: { unmatched?: boolean } = {},
): ReferenceMatch[] {
  const best = new Map<number, { row: number; sep: number }>();
  const hits: Array<{ id: number; ra: number; dec: number; sep: number; nObs: number } | undefined> = [];
  for (let i = 0; i < ref.rows; i++) {
    const n = nearest[i];
    hits.push(n && { id: n.id, ra: n.ra, dec: n.dec, sep: n.distanceArcsec, nObs: n.nObs });
    if (n) {
      const held = best.get(n.id);
      if (!held || n.distanceArcsec < held.sep) best.set(n.id, { row: i, sep: n.distanceArcsec });
    }
  }
  const out: ReferenceMatch[] = [];
  for (let i = 0; i < ref.rows; i++) {
    const h = hits[i] && best.get(hits[i]!.id)?.row === i ? hits[i] : undefined;
    if (!h && !options.unmatched) continue;
    const id = ref.id?.[i];
    out.push({
      ref_row: i + 1,
      ref_id: id === undefined || id === null ? null : String(id),
      ref_ra: ref.ra[i],
      ref_dec: ref.dec[i],
      ref_mag: ref.mag && Number.isFinite(ref.mag[i]) ? ref.mag[i] : null,
      ref_mag_err: ref.magErr && Number.isFinite(ref.magErr[i]) ? ref.magErr[i] : null,
      object_id: h?.id ?? null,
      ra: h?.ra ?? null,
      dec: h?.dec ?? null,
      sep_arcsec: h?.sep ?? null,
      n_obs: h?.nObs ?? null,
    });
  }
  return out;
}
