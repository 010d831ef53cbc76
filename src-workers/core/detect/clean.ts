import type { SourceCatalog } from '../catalog/catalog.js';
import {
  CI_A,
  CI_ABCOR,
  CI_B,
  CI_CXX,
  CI_CXY,
  CI_CYY,
  CI_DTHRESH,
  CI_FLUX,
  CI_MTHRESH,
  CI_NPIX,
  CI_ORDER,
  CI_X,
  CI_Y,
  CLEAN_STRIDE,
} from './clean-info.js';

export { CLEAN_STRIDE } from './clean-info.js';

/** Neighbours farther than CLEAN_ZONE × (a₁ + a₂) never eat each other (SExtractor/SEP `CLEAN_ZONE`). */
const CLEAN_ZONE = 10;

/**
 * SExtractor's CLEAN (SExtractor `clean_process`, Bertin & Arnouts 1996 §2.4): each object's light is
 * extrapolated as a Moffat profile of index `cleanParam` [1] fitted to its filtered flux, isophotal area and
 * second moments (`cleanInfoOf`); a neighbour whose `mthresh` lies below that extrapolated wing is a
 * spurious detection in the wing and is swallowed. Objects are taken in the order a line scan completes
 * them, each newcomer against the survivors so far; a swallowed object's flux and area are added to its
 * eater (SExtractor `clean_merge`), so a galaxy that has eaten its fragments models a wider wing for the
 * next one. Returns the rows that survive, in row order. `info` holds CLEAN_STRIDE values per row.
 */
export function cleanCatalog(cat: SourceCatalog, info: Float64Array, cleanParam = 1): Int32Array {
  const n = cat.count;
  const beta = cleanParam;
  const at = (i: number, k: number): number => info[i * CLEAN_STRIDE + k];
  const flux = new Float64Array(n);
  const npix = new Float64Array(n);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    flux[i] = at(i, CI_FLUX);
    npix[i] = Math.max(at(i, CI_NPIX), 1);
    a[i] = at(i, CI_A);
  }
  /** Moffat wing of `big` (with its current, possibly merged, flux and area) at offset (dx, dy). */
  const wing = (big: number, dx: number, dy: number): number => {
    const unit = Math.PI * a[big] * at(big, CI_B);
    const abcor = at(big, CI_ABCOR);
    if (!(unit > 0) || !(abcor > 0)) return 0;
    const amp = flux[big] / (2 * unit * abcor);
    const dthresh = at(big, CI_DTHRESH);
    if (!(dthresh > 0) || !(amp > 0)) return 0;
    const alpha = ((Math.pow(amp / dthresh, 1 / beta) - 1) * unit) / npix[big];
    const val = 1 + alpha * (at(big, CI_CXX) * dx * dx + at(big, CI_CYY) * dy * dy + at(big, CI_CXY) * dx * dy);
    return val > 1 ? (val < 1e10 ? amp * Math.pow(val, -beta) : 0) : 0;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => at(p, CI_ORDER) - at(q, CI_ORDER) || p - q);
  // Survivors in a grid hash sized for ordinary objects; the few large ones (a > 3 × median) are checked
  // against every newcomer, so one big galaxy does not make the grid cells huge.
  const sorted = Array.from(a)
    .filter((v) => Number.isFinite(v))
    .sort((p, q) => p - q);
  const bigA = 3 * Math.max(sorted.length ? sorted[sorted.length >> 1] : 1, 0.5);
  const cell = Math.max(1, CLEAN_ZONE * 2 * bigA);
  const grid = new Map<number, number[]>();
  const keyOf = (gx: number, gy: number): number => gy * 1_000_003 + gx;
  const bigList: number[] = [];
  const everyone: number[] = [];
  const alive = new Uint8Array(n);
  const seq = new Int32Array(n);
  let inserted = 0;
  // Survivors within the clean zone of the newcomer: only these are compared, in insertion order (the
  // zone test comes first, so sorting just these few gives the order the whole candidate list had).
  const near: number[] = [];
  let xi = 0;
  let yi = 0;
  let ai = 0;
  const consider = (j: number): void => {
    if (alive[j] !== 1) return;
    const dx = xi - at(j, CI_X);
    const dy = yi - at(j, CI_Y);
    const rlim = ai + a[j];
    if (dx * dx + dy * dy < rlim * rlim * CLEAN_ZONE * CLEAN_ZONE) near.push(j);
  };
  for (const i of order) {
    xi = at(i, CI_X);
    yi = at(i, CI_Y);
    ai = a[i];
    near.length = 0;
    // `everyone` is in insertion order already.
    if (!(a[i] <= bigA)) for (const j of everyone) consider(j);
    else {
      const gx = Math.floor(xi / cell);
      const gy = Math.floor(yi / cell);
      for (let yy = gy - 1; yy <= gy + 1; yy++) {
        for (let xx = gx - 1; xx <= gx + 1; xx++) {
          const list = grid.get(keyOf(xx, yy));
          if (list) for (const j of list) consider(j);
        }
      }
      for (const j of bigList) consider(j);
      if (near.length > 1) near.sort((p, q) => seq[p] - seq[q]);
    }
    const victims: number[] = [];
    let eaten = false;
    for (const j of near) {
      const dx = xi - at(j, CI_X);
      const dy = yi - at(j, CI_Y);
      if (flux[j] < flux[i]) {
        if (wing(i, dx, dy) > at(j, CI_MTHRESH)) victims.push(j);
      } else if (wing(j, dx, dy) > at(i, CI_MTHRESH)) {
        flux[j] += flux[i];
        npix[j] += npix[i];
        eaten = true;
        break;
      }
    }
    if (eaten) continue;
    for (const v of victims) {
      flux[i] += flux[v];
      npix[i] += npix[v];
      alive[v] = 0;
    }
    alive[i] = 1;
    seq[i] = inserted++;
    everyone.push(i);
    if (!(a[i] <= bigA)) bigList.push(i);
    else {
      const k = keyOf(Math.floor(xi / cell), Math.floor(yi / cell));
      let list = grid.get(k);
      if (!list) grid.set(k, (list = []));
      list.push(i);
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (alive[i]) keep.push(i);
  return Int32Array.from(keep);
}
