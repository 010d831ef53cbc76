/**
 * The plate solver: astrometry.net-style quads of the brightest detections, looked up in the index
 * files' own quad codes, each hit turned into a candidate TAN solution, scored by Bayesian log-odds
 * (`verify.ts`) and, once accepted, refined to TAN-SIP of order 2–4 chosen by the residuals.
 * Hinted solving restricts the index quads to a cone around the hint; blind solving uses all quads.
 * See docs/plate-solving.md for the choices and Lang et al. 2010 (AJ 139, 1782) for the method.
 */
import { buildCodeHash, lookupCodes, type CodeHash } from './code-hash.js';
import { orderFieldStars, type FieldStars } from './field-stars.js';
import { canonicalCode, planeCode } from './quad-code.js';
import { radecToXyz, angularSeparationDeg, xyzToRadec } from './sphere.js';
import { buildConeLookup, coneStars, type ConeLookup, type StarIndex } from './star-index.js';
import type { TanWcs } from '../wcs/tan.js';
import { fitPlateWcs, plateGeometry, withInverseSip, polyTerms, sipOrderOf } from './tan-sip.js';
import { buildFieldGrid, verifyPrediction, type FieldGrid, type StarMatch } from './verify.js';

/** An index prepared for solving; `blindHash` is filled on first blind use and reused afterwards. */
export interface SolveIndex {
  index: StarIndex;
  lookup: ConeLookup;
  blindHash?: CodeHash;
}

/** Builds the cone lookup of an index (once per loaded index) [or takes `lookup`, e.g. from a cache]. */
export function prepareIndex(index: StarIndex, lookup?: ConeLookup): SolveIndex {
  return { index, lookup: lookup ?? buildConeLookup(index.xyz) };
}

/** Approximate pointing: field centre within `radiusDeg` of (raDeg, decDeg). */
export interface SolveHint {
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
}

/** Solver settings; defaults in brackets. */
export interface SolveOptions {
  /** Frame size in pixels. */
  width: number;
  height: number;
  /** Pointing hint [none: blind]. */
  hint?: SolveHint;
  /** Pixel scale range, arcsec/px [0.5, 30]. */
  scaleLowArcsec?: number;
  scaleHighArcsec?: number;
  /** Brightest detections used to build quads [50]. */
  quadStars?: number;
  /** Code-space match tolerance [0.012]. */
  codeTolerance?: number;
  /** Brightest detections and catalog stars scored in verification [150]. */
  verifyStars?: number;
  /** Positional scatter of a true match, px [1.5]. */
  sigmaPx?: number;
  /** Accept at log-odds ≥ this (natural log) [ln 1e9 ≈ 20.7]. */
  logOddsThreshold?: number;
  /** Accept only with at least this many matched stars, at least 6 of them outside the quad [10]. */
  minMatches?: number;
  /** Highest SIP order tried [4]. */
  maxSipOrder?: number;
  /** Stop after this many verified candidates [20000]. */
  maxCandidates?: number;
  /** Polled between candidates; true aborts with reason 'cancelled'. */
  shouldStop?: () => boolean;
}

/** A verified solution. */
export interface PlateSolution {
  solved: true;
  wcs: TanWcs;
  /** INDEXID whose quad matched. */
  indexId: number;
  /** Catalog stars matched to detections (detection numbers as given, catalog RA/Dec/mag). */
  matchedField: number[];
  matchedRa: number[];
  matchedDec: number[];
  matchedMag: number[];
  /** The matched stars' catalog colour (`index.colour`), NaN where the reference has none. */
  matchedColour: number[];
  /** The reference index's magnitude and colour names (`MAG_VT`, `B_T-V_T`), null when it has none. */
  magName: string | null;
  colourName: string | null;
  /** Final log-odds (natural log). */
  logOdds: number;
  /** RMS of the matched stars' residuals. */
  rmsPx: number;
  rmsArcsec: number;
  /** Field centre, pixel scale, rotation (deg, of +y from north through east), parity. */
  centreRa: number;
  centreDec: number;
  scaleArcsec: number;
  rotationDeg: number;
  flipped: boolean;
  /** Field quads tried and candidates verified. */
  quadsTried: number;
  candidatesTried: number;
}

/** No solution: why. */
export interface PlateFailure {
  solved: false;
  reason: string;
  quadsTried: number;
  candidatesTried: number;
}

const ARCSEC_PER_RAD = (180 / Math.PI) * 3600;

interface Prepared {
  si: SolveIndex;
  hash: CodeHash;
  abMinPx: number;
  abMaxPx: number;
}

/** Reference stars predicted in the frame for a candidate, brightest first. */
interface Prediction {
  x: Float64Array;
  y: Float64Array;
  ra: Float64Array;
  dec: Float64Array;
  mag: Float64Array;
  colour: Float64Array;
  count: number;
}

function predict(ref: SolveIndex, wcs: TanWcs, width: number, height: number, limit: number): Prediction {
  const [cra, cdec] = wcs.pixelToSky((width - 1) / 2, (height - 1) / 2);
  const g = plateGeometry(wcs);
  const radiusDeg = (Math.hypot(width, height) / 2) * (g.scaleArcsec / 3600) * 1.05 + 1e-4;
  const stars = coneStars(ref.index.xyz, ref.lookup, radecToXyz(cra, cdec), radiusDeg);
  const rows: Array<[number, number, number, number, number, number]> = [];
  const colour = ref.index.colour;
  for (const s of stars) {
    const [ra, dec] = xyzToRadec(ref.index.xyz[3 * s], ref.index.xyz[3 * s + 1], ref.index.xyz[3 * s + 2]);
    const p = wcs.skyToPixel(ra, dec);
    // Written so that NaN (behind the tangent plane) fails the test.
    if (!(p[0] >= -0.5 && p[1] >= -0.5 && p[0] <= width - 0.5 && p[1] <= height - 0.5)) continue;
    const m = ref.index.mag ? ref.index.mag[s] : NaN;
    rows.push([p[0], p[1], ra, dec, Number.isFinite(m) ? m : 99, colour ? colour[s] : NaN]);
  }
  rows.sort((a, b) => a[4] - b[4]);
  const count = Math.min(limit, rows.length);
  const out: Prediction = {
    x: new Float64Array(count),
    y: new Float64Array(count),
    ra: new Float64Array(count),
    dec: new Float64Array(count),
    mag: new Float64Array(count),
    colour: new Float64Array(count),
    count,
  };
  for (let k = 0; k < count; k++) [out.x[k], out.y[k], out.ra[k], out.dec[k], out.mag[k], out.colour[k]] = rows[k];
  return out;
}

function fitMatches(
  pred: Prediction,
  matches: StarMatch[],
  fx: Float64Array,
  fy: Float64Array,
  crpix: [number, number],
  crval: [number, number],
  order: number,
): TanWcs | null {
  return fitPlateWcs(
    matches.map((m) => fx[m.field]),
    matches.map((m) => fy[m.field]),
    matches.map((m) => pred.ra[m.ref]),
    matches.map((m) => pred.dec[m.ref]),
    crpix,
    crval,
    order,
  );
}

function residualSsr(wcs: TanWcs, pred: Prediction, matches: StarMatch[], fx: Float64Array, fy: Float64Array): number {
  let ssr = 0;
  for (const m of matches) {
    const p = wcs.skyToPixel(pred.ra[m.ref], pred.dec[m.ref]);
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return Infinity;
    ssr += (p[0] - fx[m.field]) ** 2 + (p[1] - fy[m.field]) ** 2;
  }
  return ssr;
}

/**
 * Solves a frame from its detections against one or more prepared indexes. `reference` [the densest of
 * `indexes`] supplies the catalog stars for verification and fitting. Returns a verified solution, or a
 * failure with its reason ("nothing found" is not an error).
 */
export function solveField(
  stars: FieldStars,
  indexes: readonly SolveIndex[],
  options: SolveOptions,
  reference?: SolveIndex,
): PlateSolution | PlateFailure {
  const { width, height } = options;
  const scaleLow = options.scaleLowArcsec ?? 0.5;
  const scaleHigh = options.scaleHighArcsec ?? 30;
  const nQuad = options.quadStars ?? 50;
  const tol = options.codeTolerance ?? 0.012;
  const nVerify = options.verifyStars ?? 150;
  const sigma = options.sigmaPx ?? 1.5;
  const threshold = options.logOddsThreshold ?? Math.log(1e9);
  const minMatches = Math.max(10, options.minMatches ?? 10);
  const maxOrder = Math.min(4, options.maxSipOrder ?? 4);
  const maxCandidates = options.maxCandidates ?? 20000;
  const hint = options.hint;
  let quadsTried = 0;
  let candidatesTried = 0;
  const failure = (reason: string): PlateFailure => ({ solved: false, reason, quadsTried, candidatesTried });
  if (indexes.length === 0) return failure('no index files cover the scale range');

  const order = orderFieldStars(stars, width, height);
  if (order.length < minMatches) return failure(`only ${order.length} usable detections (need ${minMatches})`);
  const fx = Float64Array.from(order, (i) => stars.x[i]);
  const fy = Float64Array.from(order, (i) => stars.y[i]);
  const nField = Math.min(nVerify, order.length);
  const diagPx = Math.hypot(width, height);
  const grids = new Map<number, FieldGrid>();
  const gridFor = (s: number) => {
    let g = grids.get(s);
    if (!g) grids.set(s, (g = buildFieldGrid(fx, fy, nField, width, height, 3 * s)));
    return g;
  };
  const ref = reference ?? indexes.reduce((a, b) => (b.index.starCount > a.index.starCount ? b : a));
  const crpix: [number, number] = [(width - 1) / 2, (height - 1) / 2];

  // Which indexes can hold quads of this frame, and their code hashes.
  const prepared: Prepared[] = [];
  let triangles = 0;
  for (const si of indexes) {
    // Indexes 4111–4119 hold triangles (dimquads 3, 2-D codes): matching them needs field triangles,
    // which this solver does not build; read as quads they would pair wrong stars.
    if (si.index.dimQuads !== 4) {
      triangles++;
      continue;
    }
    const abMinPx = (si.index.scaleLowRad * ARCSEC_PER_RAD) / scaleHigh;
    const abMaxPx = Math.min(diagPx, (si.index.scaleHighRad * ARCSEC_PER_RAD) / scaleLow);
    if (abMinPx > diagPx || abMaxPx < 0.05 * Math.min(width, height) || si.index.quads.length === 0) continue;
    let hash: CodeHash;
    if (hint) {
      const coneDeg = Math.min(180, hint.radiusDeg + ((diagPx / 2) * scaleHigh) / 3600);
      const inCone = new Uint8Array(si.index.starCount);
      for (const s of coneStars(si.index.xyz, si.lookup, radecToXyz(hint.raDeg, hint.decDeg), coneDeg)) inCone[s] = 1;
      const dq = si.index.dimQuads;
      const picked: number[] = [];
      for (let q = 0; q < si.index.quads.length / dq; q++) {
        let all = true;
        for (let k = 0; k < dq && all; k++) all = inCone[si.index.quads[dq * q + k]] === 1;
        if (all) picked.push(q);
      }
      if (picked.length === 0) continue;
      hash = buildCodeHash(si.index.codes, tol, picked);
    } else {
      if (!si.blindHash || si.blindHash.tolerance !== tol) si.blindHash = buildCodeHash(si.index.codes, tol);
      hash = si.blindHash;
    }
    prepared.push({ si, hash, abMinPx, abMaxPx });
  }
  if (prepared.length === 0)
    return failure(
      triangles
        ? `the index files for this scale hold triangles (dimquads 3: astrometry.net 4111–4119, fields ≳ 4°), which this solver does not match blind; give a pointing hint (quads are then built from the catalog)`
        : 'no index quads fit this scale range' + (hint ? ' and pointing' : ''),
    );
  const abMin = Math.min(...prepared.map((p) => p.abMinPx));
  const abMax = Math.max(...prepared.map((p) => p.abMaxPx));

  const pts = new Float64Array(8);
  const mirrored = new Float64Array(8);
  const code = new Float64Array(4);
  let result: PlateSolution | null = null;
  let stopReason = '';

  const tryCandidate = (p: Prepared, q: number, fieldQuad: readonly number[]): PlateSolution | null => {
    candidatesTried++;
    const idx = p.si.index;
    const qx: number[] = [];
    const qy: number[] = [];
    const qra: number[] = [];
    const qdec: number[] = [];
    for (let k = 0; k < 4; k++) {
      const s = idx.quads[idx.dimQuads * q + k];
      const [ra, dec] = xyzToRadec(idx.xyz[3 * s], idx.xyz[3 * s + 1], idx.xyz[3 * s + 2]);
      qx.push(fx[fieldQuad[k]]);
      qy.push(fy[fieldQuad[k]]);
      qra.push(ra);
      qdec.push(dec);
    }
    const sx = qra.reduce((a, r, k) => a + Math.cos((r * Math.PI) / 180) * Math.cos((qdec[k] * Math.PI) / 180), 0);
    const sy = qra.reduce((a, r, k) => a + Math.sin((r * Math.PI) / 180) * Math.cos((qdec[k] * Math.PI) / 180), 0);
    const sz = qdec.reduce((a, d) => a + Math.sin((d * Math.PI) / 180), 0);
    let wcs = fitPlateWcs(qx, qy, qra, qdec, crpix, xyzToRadec(sx, sy, sz), 1);
    if (!wcs) return null;
    const geo = plateGeometry(wcs);
    if (geo.scaleArcsec < scaleLow || geo.scaleArcsec > scaleHigh) return null;
    if (hint) {
      const [cra, cdec] = wcs.pixelToSky(crpix[0], crpix[1]);
      if (angularSeparationDeg(cra, cdec, hint.raDeg, hint.decDeg) > hint.radiusDeg) return null;
    }
    // The quad's own catalog stars match by construction: they do not count as evidence.
    const skipSky = qra.map((r, k) => [r, qdec[k]]);
    const skipOf = (pred: Prediction) => {
      const s = new Set<number>();
      for (let r = 0; r < pred.count; r++)
        if (skipSky.some(([ra, dec]) => angularSeparationDeg(ra, dec, pred.ra[r], pred.dec[r]) < 1 / 3600)) s.add(r);
      return s;
    };
    // Widening-to-narrowing refinement with a TAN fit to the matches at each step.
    for (const s of [4 * sigma, 2 * sigma, sigma]) {
      const pred = predict(ref, wcs, width, height, nVerify);
      const v = verifyPrediction(pred.x, pred.y, pred.count, gridFor(s), nField, width, height, s, skipOf(pred));
      if (v.matches.length < Math.min(minMatches, 8) || v.logOdds < 0) return null;
      const next = fitMatches(pred, v.matches, fx, fy, crpix, wcs.crval, 1);
      if (!next) return null;
      wcs = next;
    }
    // SIP order by residuals: the lowest order whose adjusted rms the next order does not beat by 10 %.
    let pred = predict(ref, wcs, width, height, nVerify);
    let v = verifyPrediction(pred.x, pred.y, pred.count, gridFor(sigma), nField, width, height, sigma, skipOf(pred));
    let best = wcs;
    let bestAdj = Infinity;
    const n = v.matches.length;
    for (let o = 1; o <= maxOrder; o++) {
      const terms = polyTerms(0, o).length;
      if (n < 2 * terms) break;
      const w = fitMatches(pred, v.matches, fx, fy, crpix, wcs.crval, o);
      if (!w) break;
      const adj = Math.sqrt(residualSsr(w, pred, v.matches, fx, fy) / (2 * n - 2 * terms));
      if (o === 1 || adj < 0.9 * bestAdj || (o === 2 && n >= 12 && adj <= bestAdj)) {
        best = w;
        bestAdj = adj;
      }
    }
    // Re-match with the distortion-corrected solution, refit at its order, and score the final solution.
    pred = predict(ref, best, width, height, nVerify);
    v = verifyPrediction(pred.x, pred.y, pred.count, gridFor(sigma), nField, width, height, sigma, skipOf(pred));
    const refit = fitMatches(pred, v.matches, fx, fy, crpix, best.crval, Math.max(1, sipOrderOf(best)));
    if (refit) {
      const p2 = predict(ref, refit, width, height, nVerify);
      const v2 = verifyPrediction(p2.x, p2.y, p2.count, gridFor(sigma), nField, width, height, sigma, skipOf(p2));
      if (v2.logOdds >= v.logOdds) {
        best = refit;
        pred = p2;
        v = v2;
      }
    }
    const skip = skipOf(pred);
    const outside = v.matches.filter((m) => !skip.has(m.ref)).length;
    if (v.logOdds < threshold || v.matches.length < minMatches || outside < 6) return null;
    const final = withInverseSip(best, width, height);
    const ssr = residualSsr(final, pred, v.matches, fx, fy);
    const g = plateGeometry(final);
    const rmsPx = Math.sqrt(ssr / v.matches.length);
    const [centreRa, centreDec] = final.pixelToSky(crpix[0], crpix[1]);
    return {
      solved: true,
      wcs: final,
      indexId: idx.indexId,
      matchedField: v.matches.map((m) => order[m.field]),
      matchedRa: v.matches.map((m) => pred.ra[m.ref]),
      matchedDec: v.matches.map((m) => pred.dec[m.ref]),
      matchedMag: v.matches.map((m) => pred.mag[m.ref]),
      matchedColour: v.matches.map((m) => pred.colour[m.ref]),
      magName: ref.index.magName,
      colourName: ref.index.colourName ?? null,
      logOdds: v.logOdds,
      rmsPx,
      rmsArcsec: rmsPx * g.scaleArcsec,
      centreRa,
      centreDec,
      scaleArcsec: g.scaleArcsec,
      rotationDeg: g.rotationDeg,
      flipped: g.flipped,
      quadsTried,
      candidatesTried,
    };
  };

  const tryFieldQuad = (a: number, b: number, c: number, d: number, abPx: number): boolean => {
    quadsTried++;
    if ((quadsTried & 1023) === 0 && options.shouldStop?.()) {
      stopReason = 'cancelled';
      return true;
    }
    const quad = [a, b, c, d];
    for (let k = 0; k < 4; k++) {
      pts[2 * k] = fx[quad[k]];
      pts[2 * k + 1] = fy[quad[k]];
      mirrored[2 * k] = fy[quad[k]];
      mirrored[2 * k + 1] = fx[quad[k]];
    }
    for (const plane of [pts, mirrored]) {
      planeCode(plane, code);
      const perm = canonicalCode(code);
      const fieldQuad = perm.map((k) => quad[k]);
      for (const p of prepared) {
        if (abPx < p.abMinPx || abPx > p.abMaxPx) continue;
        const hits: number[] = [];
        lookupCodes(p.hash, code, (q) => hits.push(q));
        for (const q of hits) {
          if (candidatesTried >= maxCandidates) {
            stopReason = `gave up after ${candidatesTried} candidates`;
            return true;
          }
          if (options.shouldStop?.()) {
            stopReason = 'cancelled';
            return true;
          }
          const sol = tryCandidate(p, q, fieldQuad);
          if (sol) {
            result = sol;
            return true;
          }
        }
      }
    }
    return false;
  };

  // Quads in order of their faintest member, so the brightest stars are tried first (as astrometry.net).
  const limit = Math.min(nQuad, order.length);
  for (let newest = 3; newest < limit; newest++) {
    for (let a = 0; a <= newest; a++)
      for (let b = a + 1; b <= newest; b++) {
        const abPx = Math.hypot(fx[b] - fx[a], fy[b] - fy[a]);
        if (abPx < abMin || abPx > abMax) continue;
        // C and D inside the circle with diameter AB (the index's CIRCLE convention).
        const mx = (fx[a] + fx[b]) / 2;
        const my = (fy[a] + fy[b]) / 2;
        const r2 = (abPx / 2) ** 2;
        const inside: number[] = [];
        for (let s = 0; s <= newest; s++)
          if (s !== a && s !== b && (fx[s] - mx) ** 2 + (fy[s] - my) ** 2 < r2) inside.push(s);
        const hasNewest = a === newest || b === newest;
        for (let i = 0; i < inside.length; i++)
          for (let j = i + 1; j < inside.length; j++) {
            if (!hasNewest && inside[i] !== newest && inside[j] !== newest) continue;
            if (tryFieldQuad(a, b, inside[i], inside[j], abPx)) return result ?? failure(stopReason);
          }
      }
  }
  return failure(`no verified match among ${quadsTried} field quads (${candidatesTried} candidates)`);
}
