/**
 * One-to-one positional matching of two point lists (pixels): pairs closer than `radiusPx`, taken greedily in
 * order of increasing distance (as `score_catalog.py` matches), using a grid hash so it is O(n) for sparse
 * fields. Returns, for each point of list A, the index in B or −1.
 */
export function matchPositions(
  ax: ArrayLike<number>,
  ay: ArrayLike<number>,
  bx: ArrayLike<number>,
  by: ArrayLike<number>,
  radiusPx: number,
): Int32Array {
  const cell = Math.max(radiusPx, 1e-9);
  const grid = new Map<string, number[]>();
  for (let j = 0; j < bx.length; j++) {
    if (!Number.isFinite(bx[j]) || !Number.isFinite(by[j])) continue;
    const key = `${Math.floor(bx[j] / cell)},${Math.floor(by[j] / cell)}`;
    let list = grid.get(key);
    if (!list) grid.set(key, (list = []));
    list.push(j);
  }
  const pairs: { d: number; i: number; j: number }[] = [];
  for (let i = 0; i < ax.length; i++) {
    if (!Number.isFinite(ax[i]) || !Number.isFinite(ay[i])) continue;
    const cx = Math.floor(ax[i] / cell);
    const cy = Math.floor(ay[i] / cell);
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        for (const j of grid.get(`${gx},${gy}`) ?? []) {
          const d = Math.hypot(ax[i] - bx[j], ay[i] - by[j]);
          if (d <= radiusPx) pairs.push({ d, i, j });
        }
      }
    }
  }
  pairs.sort((p, q) => p.d - q.d || p.i - q.i || p.j - q.j);
  const out = new Int32Array(ax.length).fill(-1);
  const usedB = new Uint8Array(bx.length);
  for (const p of pairs) {
    if (out[p.i] >= 0 || usedB[p.j]) continue;
    out[p.i] = p.j;
    usedB[p.j] = 1;
  }
  return out;
}
