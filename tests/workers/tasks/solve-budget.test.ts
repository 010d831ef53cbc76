// The solver's default search budget is deterministic: without an explicit `maxSeconds` no clock is read
// to decide when to stop, so a frame solves on a machine so loaded that every clock reading is 1000 s
// after the last (simulated by a `performance.now` that jumps); before, the default 30 s limit made such a
// frame "give up". The budget itself (`maxCandidates`) stops an unsolvable search after exactly that many
// candidates, with a reason that names it; an explicit time limit still works.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStarIndex } from '../../../src-workers/io/star-index-file.js';
import { buildConeLookup, type ConeLookup, type StarIndex } from '../../../src-workers/core/astrometry/star-index.js';
import { recordSource } from '../../../src-workers/core/wcs/index.js';
import { solveDetections } from '../../../src-workers/tasks/plate-solve.js';
import { syntheticField, type SyntheticSpec } from '../core/astrometry/synthetic-field.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
const skip = existsSync(INDEX07) ? false : 'Tycho-2 index packages astrometry-data-tycho2-* absent';

const SPEC: SyntheticSpec = {
  width: 2048,
  height: 2048,
  hotPixels: 30,
  extraStars: 40,
  raDeg: 280.1,
  decDeg: -20.3,
  scaleArcsec: 5,
  rotationDeg: 251,
  flip: true,
  seed: 32,
  distortion: 1e-7,
};
const HINT = { raDeg: 280.4, decDeg: -20.5, radiusDeg: 1, scaleLowArcsec: 4.5, scaleHighArcsec: 5.5 };

/** Runs `fn` with a `performance.now` that advances 1000 s at every reading (a machine under heavy load). */
async function underLoad<T>(fn: () => Promise<T>): Promise<T> {
  const real = performance.now.bind(performance);
  let fake = real();
  performance.now = () => (fake += 1e6);
  try {
    return await fn();
  } finally {
    performance.now = real;
  }
}

function noise(n: number, seed: number): { x: Float64Array; y: Float64Array; flux: Float64Array; fwhm: Float64Array } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
  return {
    x: Float64Array.from({ length: n }, () => rand() * 2047),
    y: Float64Array.from({ length: n }, () => rand() * 2047),
    flux: Float64Array.from({ length: n }, () => 10 ** (4 * rand())),
    fwhm: new Float64Array(n).fill(3),
  };
}

describe('the search budget', { skip }, () => {
  let index: StarIndex;
  let lookup: ConeLookup;
  const cacheDir = mkdtempSync(join(tmpdir(), 'owb-solve-budget-'));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));
  before(async () => {
    index = await readStarIndex(INDEX07, { quads: false });
    lookup = buildConeLookup(index.xyz);
    // Load the indexes once outside the simulated load (loading is not what is tested).
    await solveDetections(noise(20, 1), 2048, 2048, recordSource({}), { ...HINT, cacheDir, maxCandidates: 1 });
  });

  it('does not depend on the clock by default: a solvable frame solves however slow the machine', async () => {
    const f = syntheticField(index, lookup, SPEC);
    const r = await underLoad(() => solveDetections(f.stars, 2048, 2048, recordSource({}), { ...HINT, cacheDir }));
    assert.ok('solution' in r, 'reason' in r ? r.reason : '');
    assert.ok(Math.abs(r.solution.scaleArcsec / SPEC.scaleArcsec - 1) < 2e-3);
  });

  it('stops an unsolvable search after exactly maxCandidates candidates, and says so', async () => {
    const r = await solveDetections(noise(150, 7), 2048, 2048, recordSource({}), {
      ...HINT,
      cacheDir,
      maxCandidates: 40,
    });
    assert.ok('reason' in r);
    assert.match(r.reason, /^no verified match within the search budget of 40 candidates \(\d+ field quads; /);
    // The same frame, the same budget: the same search, to the quad.
    const again = await underLoad(() =>
      solveDetections(noise(150, 7), 2048, 2048, recordSource({}), { ...HINT, cacheDir, maxCandidates: 40 }),
    );
    assert.ok('reason' in again);
    assert.equal(again.reason, r.reason);
  });

  it('still honours an explicit time limit', async () => {
    const f = syntheticField(index, lookup, SPEC);
    const r = await underLoad(() =>
      solveDetections(f.stars, 2048, 2048, recordSource({}), { ...HINT, cacheDir, maxSeconds: 30 }),
    );
    assert.ok('reason' in r);
    assert.match(r.reason, /^gave up after 30 s/);
  });
});
