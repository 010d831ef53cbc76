import type { SourceCatalog } from '../catalog/catalog.js';

/** Values per catalog row in the `cleanInfo` array: filtered flux, threshold at the peak, detection threshold. */
export const CLEAN_STRIDE = 3;
/** Neighbours farther than CLEAN_ZONE × (a₁ + a₂) never eat each other (SExtractor/SEP `CLEAN_ZONE`). */
const CLEAN_ZONE = 10;

/**
 * SExtractor's CLEAN (SEP `clean`): each object's light profile is extrapolated as a Moffat of index
 * `cleanParam` [1] fitted to its isophotal area and filtered flux; a fainter neighbour whose peak threshold
 * lies below that extrapolated wing is a spurious detection in the wing and is dropped. Returns the rows
 * that survive, in order. `info` holds CLEAN_STRIDE values per row (see `detectRegion`).
 */
export function cleanCatalog(cat: SourceCatalog, info: Float64Array, cleanParam = 1): Int32Array {
  const n = cat.count;
  const survives = new Uint8Array(n).fill(1);
  const beta = cleanParam;
  // Precompute each object's Moffat model: amplitude, alpha, and its ellipse coefficients.
  const amp = new Float64Array(n);
  const alpha = new Float64Array(n);
  const cxx = new Float64Array(n);
  const cyy = new Float64Array(n);
  const cxy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = cat.a[i];
    const b = Math.max(cat.b[i], 1e-3);
    const unit = Math.PI * a * b;
    const cflux = info[i * CLEAN_STRIDE];
    const dthresh = info[i * CLEAN_STRIDE + 2];
    amp[i] = cflux / (2 * unit);
    alpha[i] =
      dthresh > 0 && amp[i] > 0 ? ((Math.pow(amp[i] / dthresh, 1 / beta) - 1) * unit) / Math.max(cat.npix[i], 1) : 0;
    const t = (cat.theta[i] * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    cxx[i] = (c * c) / (a * a) + (s * s) / (b * b);
    cyy[i] = (s * s) / (a * a) + (c * c) / (b * b);
    cxy[i] = 2 * c * s * (1 / (a * a) - 1 / (b * b));
  }
  // Neighbour search: a grid hash sized for ordinary objects; the few large ones (a > 3 × median) are
  // checked against everything, so one big galaxy does not make the grid cells huge.
  const aValues = Array.from(cat.a)
    .filter((v) => Number.isFinite(v))
    .sort((p, q) => p - q);
  const medA = aValues.length ? aValues[aValues.length >> 1] : 1;
  const bigA = 3 * Math.max(medA, 0.5);
  const isBig = new Uint8Array(n);
  const bigList: number[] = [];
  for (let i = 0; i < n; i++)
    if (!(cat.a[i] <= bigA)) {
      isBig[i] = 1;
      bigList.push(i);
    }
  const cell = Math.max(1, CLEAN_ZONE * 2 * bigA);
  const grid = new Map<number, number[]>();
  const keyOf = (gx: number, gy: number): number => gy * 1_000_003 + gx;
  for (let i = 0; i < n; i++) {
    if (isBig[i]) continue;
    const k = keyOf(Math.floor(cat.x[i] / cell), Math.floor(cat.y[i] / cell));
    let list = grid.get(k);
    if (!list) grid.set(k, (list = []));
    list.push(i);
  }
  const eats = (big: number, small: number, dx: number, dy: number): boolean => {
    const val = 1 + alpha[big] * (cxx[big] * dx * dx + cyy[big] * dy * dy + cxy[big] * dx * dy);
    return val > 1 && (val < 1e10 ? amp[big] * Math.pow(val, -beta) : 0) > info[small * CLEAN_STRIDE + 1];
  };
  for (let i = 0; i < n; i++) {
    if (!survives[i]) continue;
    const near: number[] = [];
    if (isBig[i]) {
      for (let j = i + 1; j < n; j++) near.push(j);
    } else {
      const gx = Math.floor(cat.x[i] / cell);
      const gy = Math.floor(cat.y[i] / cell);
      for (let yy = gy - 1; yy <= gy + 1; yy++)
        for (let xx = gx - 1; xx <= gx + 1; xx++)
          for (const j of grid.get(keyOf(xx, yy)) ?? []) if (j > i) near.push(j);
      for (const j of bigList) if (j > i) near.push(j);
      near.sort((p, q) => p - q);
    }
    for (const j of near) {
      if (!survives[j]) continue;
      const dx = cat.x[i] - cat.x[j];
      const dy = cat.y[i] - cat.y[j];
      const rlim = cat.a[i] + cat.a[j];
      if (dx * dx + dy * dy > rlim * rlim * CLEAN_ZONE * CLEAN_ZONE) continue;
      if (info[j * CLEAN_STRIDE] < info[i * CLEAN_STRIDE]) {
        if (eats(i, j, dx, dy)) survives[j] = 0;
      } else if (eats(j, i, dx, dy)) {
        survives[i] = 0;
        break;
      }
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (survives[i]) keep.push(i);
  return Int32Array.from(keep);
}
