/**
 * Verification of a candidate plate solution by Bayesian log-odds (after Lang et al. 2010, §2.4): the
 * catalog stars predicted in the frame are matched with the detected stars, and each is scored under two
 * hypotheses. H1 (the solution is right): a catalog star is detected with probability `f`, its position
 * scattered by a Gaussian of `sigmaPx`; otherwise the nearest detection is a chance one. H0 (wrong): the
 * detections are uniformly scattered with the frame's density ρ = M / area.
 *   matched at distance d:  log((f·N(d; σ) + (1 − f)·ρ) / ρ)
 *   unmatched (nothing within 3σ):  log(1 − f)
 * The sum is compared with a threshold (ln 10⁹ by default) together with a minimum number of matches.
 */

/** One catalog–detection pairing. */
export interface StarMatch {
  /** Index into the reference (catalog) list. */
  ref: number;
  /** Index into the field (detection) list. */
  field: number;
  /** Distance in pixels. */
  distPx: number;
}

/** The verdict on a candidate. */
export interface Verification {
  /** Natural-log odds of H1 over H0. */
  logOdds: number;
  /** Greedy matches, catalog stars in the order given (brightest first). */
  matches: StarMatch[];
}

/** A uniform grid over field stars for fixed-radius neighbour searches. */
export interface FieldGrid {
  cell: number;
  cols: number;
  rows: number;
  starts: Uint32Array;
  entries: Uint32Array;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Buckets `count` field stars (x, y in px, frame `width` × `height`) into cells of `cellPx`. */
export function buildFieldGrid(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  count: number,
  width: number,
  height: number,
  cellPx: number,
): FieldGrid {
  const cell = Math.max(1, cellPx);
  const cols = Math.max(1, Math.ceil(width / cell) + 1);
  const rows = Math.max(1, Math.ceil(height / cell) + 1);
  const key = (i: number) => {
    const cx = Math.min(cols - 1, Math.max(0, Math.floor((x[i] + 0.5) / cell)));
    const cy = Math.min(rows - 1, Math.max(0, Math.floor((y[i] + 0.5) / cell)));
    return cy * cols + cx;
  };
  const starts = new Uint32Array(cols * rows + 1);
  for (let i = 0; i < count; i++) starts[key(i) + 1]++;
  for (let k = 0; k < cols * rows; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, cols * rows);
  const entries = new Uint32Array(count);
  for (let i = 0; i < count; i++) entries[fill[key(i)]++] = i;
  return { cell, cols, rows, starts, entries, x, y };
}

/**
 * Scores predicted catalog positions (`refX`, `refY`, px, brightest first) against the field grid.
 * `skipRefs` are left out of the score (the quad's own stars, which match by construction).
 * `detectFraction` is f [0.5]; the match radius is 3σ.
 */
export function verifyPrediction(
  refX: ArrayLike<number>,
  refY: ArrayLike<number>,
  refCount: number,
  grid: FieldGrid,
  fieldCount: number,
  width: number,
  height: number,
  sigmaPx: number,
  skipRefs: ReadonlySet<number> = new Set(),
  detectFraction = 0.5,
): Verification {
  const radius = 3 * sigmaPx;
  const r2 = radius * radius;
  const rho = fieldCount / (width * height);
  const gaussNorm = 1 / (2 * Math.PI * sigmaPx * sigmaPx);
  const f = detectFraction;
  const claimed = new Uint8Array(fieldCount);
  const matches: StarMatch[] = [];
  let logOdds = 0;
  const reach = Math.ceil(radius / grid.cell);
  for (let r = 0; r < refCount; r++) {
    const px = refX[r];
    const py = refY[r];
    const cx = Math.floor((px + 0.5) / grid.cell);
    const cy = Math.floor((py + 0.5) / grid.cell);
    let best = -1;
    let bestD2 = r2;
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(grid.rows - 1, cy + reach); gy++)
      for (let gx = Math.max(0, cx - reach); gx <= Math.min(grid.cols - 1, cx + reach); gx++) {
        const k = gy * grid.cols + gx;
        for (let e = grid.starts[k]; e < grid.starts[k + 1]; e++) {
          const i = grid.entries[e];
          if (claimed[i]) continue;
          const dx = grid.x[i] - px;
          const dy = grid.y[i] - py;
          const d2 = dx * dx + dy * dy;
          if (d2 <= bestD2) {
            bestD2 = d2;
            best = i;
          }
        }
      }
    const skip = skipRefs.has(r);
    if (best >= 0) {
      claimed[best] = 1;
      matches.push({ ref: r, field: best, distPx: Math.sqrt(bestD2) });
      if (!skip)
        logOdds += Math.log((f * gaussNorm * Math.exp(-bestD2 / (2 * sigmaPx * sigmaPx)) + (1 - f) * rho) / rho);
    } else if (!skip) {
      logOdds += Math.log(1 - f);
    }
  }
  return { logOdds, matches };
}
