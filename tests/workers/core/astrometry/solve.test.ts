// The hinted plate solver on synthetic detections of the real sky (the Tycho-2 index's own stars through a
// known TAN-SIP WCS, with rotation, both parities, distortion, centroid noise, 20 % of the catalog missing,
// uncatalogued stars and hot pixels), and on frames that must never solve (pure noise, wrong pointing).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { readStarIndex } from '../../../../src-workers/io/star-index-file.js';
import { prepareIndex, solveField, type SolveIndex } from '../../../../src-workers/core/astrometry/solve.js';
import type { TanWcs } from '../../../../src-workers/core/wcs/tan.js';
import { angularSeparationDeg } from '../../../../src-workers/core/astrometry/sphere.js';
import { rng, syntheticField, type SyntheticSpec } from './synthetic-field.js';

const DIR = '/usr/share/astrometry';
const FILES = ['08', '09', '10'].map((n) => `${DIR}/index-tycho2-${n}.littleendian.fits`);
const skip = FILES.every((f) => existsSync(f))
  ? false
  : 'Tycho-2 index packages astrometry-data-tycho2-08/-09/-10-19 absent';

/** Largest distance (px) between the solution and the truth over an 11 × 11 grid covering the frame. */
function worstPx(sol: TanWcs, truth: TanWcs, spec: SyntheticSpec): number {
  let worst = 0;
  for (let i = 0; i <= 10; i++)
    for (let j = 0; j <= 10; j++) {
      const x = (i / 10) * (spec.width - 1);
      const y = (j / 10) * (spec.height - 1);
      const [a, b] = sol.pixelToSky(x, y);
      const [c, d] = truth.pixelToSky(x, y);
      worst = Math.max(worst, (angularSeparationDeg(a, b, c, d) * 3600) / spec.scaleArcsec);
    }
  return worst;
}

const FIELDS: Array<Pick<SyntheticSpec, 'seed' | 'raDeg' | 'decDeg' | 'rotationDeg' | 'flip'>> = [
  { seed: 1, raDeg: 132.85, decDeg: 11.8, rotationDeg: 37, flip: false },
  { seed: 2, raDeg: 83.8, decDeg: -5.4, rotationDeg: 200, flip: true },
  { seed: 3, raDeg: 10.7, decDeg: 41.3, rotationDeg: 300, flip: true },
  { seed: 4, raDeg: 250, decDeg: -60, rotationDeg: 90, flip: false },
  { seed: 5, raDeg: 15, decDeg: 86, rotationDeg: 123, flip: true },
];

describe('hinted plate solving of synthetic Tycho-2 fields', { skip }, () => {
  let indexes: SolveIndex[] = [];
  before(async () => {
    indexes = await Promise.all(FILES.map(async (f) => prepareIndex(await readStarIndex(f))));
  });

  for (const field of FIELDS) {
    it(`solves ${JSON.stringify(field)} within 0.5 px of the truth everywhere in the frame`, () => {
      const spec: SyntheticSpec = {
        ...field,
        scaleArcsec: 3,
        width: 2048,
        height: 1536,
        distortion: 1e-6,
        hotPixels: 30,
      };
      const gen = indexes[0];
      const f = syntheticField(gen.index, gen.lookup, spec);
      const sol = solveField(f.stars, indexes, {
        width: spec.width,
        height: spec.height,
        hint: { raDeg: spec.raDeg + 0.4, decDeg: spec.decDeg - 0.3, radiusDeg: 2 },
        scaleLowArcsec: 2,
        scaleHighArcsec: 4,
      });
      assert.ok(sol.solved, sol.solved ? '' : sol.reason);
      assert.ok(sol.logOdds >= Math.log(1e9) && sol.matchedField.length >= 10);
      assert.equal(sol.flipped, spec.flip);
      assert.ok(
        Math.abs(((sol.rotationDeg - spec.rotationDeg + 540) % 360) - 180) < 0.05,
        `rotation ${sol.rotationDeg}`,
      );
      assert.ok(Math.abs(sol.scaleArcsec / 3 - 1) < 1e-3, `scale ${sol.scaleArcsec}`);
      assert.ok((sol.wcs.sip?.order ?? 0) >= 2, 'the distortion needs SIP');
      const worst = worstPx(sol.wcs, f.wcs, spec);
      assert.ok(worst < 0.5, `worst ${worst.toFixed(3)} px`);
      // Matched detections are the catalog stars the synthetic frame put there, but for at most one chance
      // coincidence of an uncatalogued star with a catalog star left out of the frame.
      const impostors = sol.matchedField.filter((d) => f.truthStar[d] < 0).length;
      assert.ok(impostors <= 1, `${impostors} hot pixels or uncatalogued stars matched`);
    });
  }

  it('solves with hot pixels that carry no FWHM to reject them by', () => {
    const spec: SyntheticSpec = { ...FIELDS[0], scaleArcsec: 3, width: 2048, height: 1536, hotPixels: 20 };
    const f = syntheticField(indexes[0].index, indexes[0].lookup, spec);
    const stars = { x: f.stars.x, y: f.stars.y, flux: f.stars.flux };
    const sol = solveField(stars, indexes, {
      width: 2048,
      height: 1536,
      hint: { raDeg: 132.85, decDeg: 11.8, radiusDeg: 1 },
      scaleLowArcsec: 2.5,
      scaleHighArcsec: 3.5,
    });
    assert.ok(sol.solved && worstPx(sol.wcs, f.wcs, spec) < 0.5);
  });

  it('never solves pure-noise detections', () => {
    for (const seed of [11, 12, 13]) {
      const rand = rng(seed);
      const n = 150;
      const stars = {
        x: Float64Array.from({ length: n }, () => rand() * 2047),
        y: Float64Array.from({ length: n }, () => rand() * 1535),
        flux: Float64Array.from({ length: n }, () => 10 ** (4 * rand())),
      };
      const sol = solveField(stars, indexes, {
        width: 2048,
        height: 1536,
        hint: { raDeg: 83.8, decDeg: -5.4, radiusDeg: 3 },
        scaleLowArcsec: 1,
        scaleHighArcsec: 6,
      });
      assert.equal(sol.solved, false);
    }
  });

  it('does not solve a real field given a pointing hint 20° away', () => {
    const spec: SyntheticSpec = { ...FIELDS[1], scaleArcsec: 3, width: 2048, height: 1536 };
    const f = syntheticField(indexes[0].index, indexes[0].lookup, spec);
    const sol = solveField(f.stars, indexes, {
      width: 2048,
      height: 1536,
      hint: { raDeg: 103.8, decDeg: -5.4, radiusDeg: 2 },
      scaleLowArcsec: 2,
      scaleHighArcsec: 4,
    });
    assert.equal(sol.solved, false);
  });

  it('solves blind (no pointing, scale 1–10″/px) within 0.5 px of the truth, and never on noise', () => {
    for (const field of [FIELDS[1], FIELDS[2]]) {
      const spec: SyntheticSpec = {
        ...field,
        scaleArcsec: 3,
        width: 2048,
        height: 1536,
        distortion: 1e-6,
        hotPixels: 30,
      };
      const f = syntheticField(indexes[0].index, indexes[0].lookup, spec);
      const sol = solveField(f.stars, indexes, { width: 2048, height: 1536, scaleLowArcsec: 1, scaleHighArcsec: 10 });
      assert.ok(sol.solved, sol.solved ? '' : sol.reason);
      assert.ok(worstPx(sol.wcs, f.wcs, spec) < 0.5);
    }
    const rand = rng(21);
    const n = 120;
    const noise = {
      x: Float64Array.from({ length: n }, () => rand() * 2047),
      y: Float64Array.from({ length: n }, () => rand() * 1535),
      flux: Float64Array.from({ length: n }, () => 10 ** (4 * rand())),
    };
    const sol = solveField(noise, indexes, {
      width: 2048,
      height: 1536,
      scaleLowArcsec: 1,
      scaleHighArcsec: 10,
      maxCandidates: 5000,
    });
    assert.equal(sol.solved, false);
  });
});
