/**
 * Preparing detections for quad building: drop non-finite rows, merge near-duplicates, sort by flux and
 * spread the order over the frame (astrometry.net's "uniformize"), so that a bright cluster, a bleeding
 * star broken into pieces or a row of hot pixels cannot fill the first quads.
 */

/** Detected stars: 0-based pixel centres and a brightness (any positive flux unit). */
export interface FieldStars {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  flux: ArrayLike<number>;
  /** FWHM per detection, px [absent]: detections sharper than half the median (hot pixels, cosmic rays) are dropped. */
  fwhm?: ArrayLike<number>;
}

/**
 * Returns detection numbers, brightest first, round-robin over a `cells × cells` grid [4] of the frame,
 * after merging detections within `mergePx` [2] of a brighter one. Non-finite or non-positive rows are
 * dropped.
 */
export function orderFieldStars(stars: FieldStars, width: number, height: number, cells = 4, mergePx = 2): number[] {
  const n = stars.x.length;
  const ok: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = stars.x[i];
    const y = stars.y[i];
    const f = stars.flux[i];
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(f) && f > 0) ok.push(i);
  }
  if (stars.fwhm) {
    const widths = ok
      .map((i) => stars.fwhm![i])
      .filter((w) => Number.isFinite(w) && w > 0)
      .sort((a, b) => a - b);
    if (widths.length >= 5) {
      const floor = 0.5 * widths[widths.length >> 1];
      const fwhm = stars.fwhm;
      ok.splice(0, ok.length, ...ok.filter((i) => !(fwhm[i] < floor)));
    }
  }
  ok.sort((a, b) => stars.flux[b] - stars.flux[a] || a - b);
  const kept: number[] = [];
  const m2 = mergePx * mergePx;
  const bucket = new Map<number, number[]>();
  const cellOf = (x: number, y: number) =>
    Math.floor(x / Math.max(1, mergePx)) * 1_000_003 + Math.floor(y / Math.max(1, mergePx));
  for (const i of ok) {
    const x = stars.x[i];
    const y = stars.y[i];
    const cx = Math.floor(x / Math.max(1, mergePx));
    const cy = Math.floor(y / Math.max(1, mergePx));
    let dup = false;
    for (let dx = -1; dx <= 1 && !dup; dx++)
      for (let dy = -1; dy <= 1 && !dup; dy++)
        for (const j of bucket.get((cx + dx) * 1_000_003 + cy + dy) ?? [])
          if ((stars.x[j] - x) ** 2 + (stars.y[j] - y) ** 2 < m2) dup = true;
    if (dup) continue;
    kept.push(i);
    const key = cellOf(x, y);
    const list = bucket.get(key);
    if (list) list.push(i);
    else bucket.set(key, [i]);
  }
  const lists: number[][] = Array.from({ length: cells * cells }, () => []);
  for (const i of kept) {
    const gx = Math.min(cells - 1, Math.max(0, Math.floor(((stars.x[i] + 0.5) / width) * cells)));
    const gy = Math.min(cells - 1, Math.max(0, Math.floor(((stars.y[i] + 0.5) / height) * cells)));
    lists[gy * cells + gx].push(i);
  }
  const out: number[] = [];
  for (let round = 0; out.length < kept.length; round++) {
    // Each round takes the next-brightest star of every cell, and the round's picks keep flux order.
    const picks: number[] = [];
    for (const l of lists) if (round < l.length) picks.push(l[round]);
    picks.sort((a, b) => stars.flux[b] - stars.flux[a] || a - b);
    out.push(...picks);
  }
  return out;
}
