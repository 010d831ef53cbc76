// Plate solving over the scale range of the issue (0.5–30″/px), with the index files chosen the way
// `owb solve` and the watched-folder step choose them (`solveDetections`): synthetic detections of the
// real sky (Tycho-2 index 07's own stars through a known TAN-SIP WCS with rotation, either parity,
// distortion, hot pixels, 20 % of the catalog missing and uncatalogued stars), hinted and blind.
// At 0.5″/px a 2048² frame is 17′ wide, too narrow for Tycho-2, and must fail with its reason. Blind
// fields ≳ 4° are solved with quads built from the triangles of indexes 4111–4119 (triangle-quads.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStarIndex } from '../../../src-workers/io/star-index-file.js';
import { buildConeLookup, type ConeLookup, type StarIndex } from '../../../src-workers/core/astrometry/star-index.js';
import { angularSeparationDeg } from '../../../src-workers/core/astrometry/sphere.js';
import { recordSource } from '../../../src-workers/core/wcs/index.js';
import { solveDetections } from '../../../src-workers/tasks/plate-solve.js';
import { syntheticField, type SyntheticSpec } from '../core/astrometry/synthetic-field.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
const skip = existsSync(INDEX07) ? false : 'Tycho-2 index packages astrometry-data-tycho2-* absent';

interface Case {
  spec: SyntheticSpec;
  blind: boolean;
}

const base = { width: 2048, height: 2048, hotPixels: 30, extraStars: 40 };
const CASES: Case[] = [
  {
    spec: {
      ...base,
      raDeg: 83.8,
      decDeg: -5.4,
      scaleArcsec: 1.5,
      rotationDeg: 17,
      flip: false,
      seed: 31,
      distortion: 5e-7,
    },
    blind: false,
  },
  {
    spec: {
      ...base,
      raDeg: 280.1,
      decDeg: -20.3,
      scaleArcsec: 5,
      rotationDeg: 251,
      flip: true,
      seed: 32,
      distortion: 1e-7,
    },
    blind: false,
  },
  {
    spec: { ...base, raDeg: 201.4, decDeg: 33.2, scaleArcsec: 8, rotationDeg: 333, flip: false, seed: 33 },
    blind: true,
  },
  {
    spec: { ...base, raDeg: 120.3, decDeg: -33.2, scaleArcsec: 12, rotationDeg: 40, flip: true, seed: 37 },
    blind: false,
  },
  {
    spec: { ...base, raDeg: 45.2, decDeg: 62.7, scaleArcsec: 30, rotationDeg: 95, flip: true, seed: 34 },
    blind: false,
  },
  // Blind wide fields: 17° and 8.5°, only the 3-star indexes 4111–4119 have asterisms of their size.
  {
    spec: { ...base, raDeg: 310.5, decDeg: -48.1, scaleArcsec: 30, rotationDeg: 180, flip: false, seed: 35 },
    blind: true,
  },
  {
    spec: {
      ...base,
      raDeg: 12.4,
      decDeg: 41.3,
      scaleArcsec: 30,
      rotationDeg: 33,
      flip: true,
      seed: 41,
      distortion: 2e-8,
    },
    blind: true,
  },
  {
    spec: { ...base, raDeg: 150.2, decDeg: 2.5, scaleArcsec: 15, rotationDeg: 301, flip: true, seed: 43 },
    blind: true,
  },
];

describe('plate solving from 0.5 to 30″/px', { skip }, () => {
  let index: StarIndex;
  let lookup: ConeLookup;
  const cacheDir = mkdtempSync(join(tmpdir(), 'owb-solve-cache-'));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));
  before(async () => {
    index = await readStarIndex(INDEX07, { quads: false });
    lookup = buildConeLookup(index.xyz);
  });

  for (const { spec, blind } of CASES) {
    const name = `${blind ? 'blind' : 'hinted'} at ${spec.scaleArcsec}″/px, rotation ${spec.rotationDeg}°, ${spec.flip ? 'flipped' : 'normal'} parity`;
    it(`${name}: within 0.5 px of the truth over the frame`, async () => {
      const f = syntheticField(index, lookup, spec);
      const settings = blind
        ? { blind: true, scaleLowArcsec: spec.scaleArcsec / 2, scaleHighArcsec: spec.scaleArcsec * 2 }
        : {
            raDeg: spec.raDeg + 0.3,
            decDeg: spec.decDeg - 0.2,
            radiusDeg: 1,
            scaleLowArcsec: spec.scaleArcsec * 0.9,
            scaleHighArcsec: spec.scaleArcsec * 1.1,
          };
      // The default search budget (candidates, not seconds): a loaded machine cannot fail a correctness test.
      const r = await solveDetections(f.stars, spec.width, spec.height, recordSource({}), { ...settings, cacheDir });
      assert.ok('solution' in r, 'reason' in r ? r.reason : '');
      const sol = r.solution;
      assert.equal(sol.flipped, spec.flip);
      assert.ok(Math.abs(sol.scaleArcsec / spec.scaleArcsec - 1) < 2e-3, `scale ${sol.scaleArcsec}`);
      let worst = 0;
      for (let i = 0; i <= 10; i++)
        for (let j = 0; j <= 10; j++) {
          const x = (i / 10) * (spec.width - 1);
          const y = (j / 10) * (spec.height - 1);
          const [a, b] = sol.wcs.pixelToSky(x, y);
          const [c, d] = f.wcs.pixelToSky(x, y);
          worst = Math.max(worst, (angularSeparationDeg(a, b, c, d) * 3600) / spec.scaleArcsec);
        }
      assert.ok(worst < 0.5, `worst ${worst.toFixed(3)} px`);
      console.log(`# ${name}: worst ${worst.toFixed(3)} px, ${sol.matchedField.length} matched, index ${sol.indexId}`);
    });
  }

  it('says why a 0.5″/px frame (17′) cannot be solved with Tycho-2', async () => {
    const spec: SyntheticSpec = {
      ...base,
      raDeg: 83.8,
      decDeg: -5.4,
      scaleArcsec: 0.5,
      rotationDeg: 0,
      flip: false,
      seed: 36,
    };
    const f = syntheticField(index, lookup, spec);
    const r = await solveDetections(f.stars, spec.width, spec.height, recordSource({}), {
      raDeg: 83.8,
      decDeg: -5.4,
      radiusDeg: 1,
      scaleLowArcsec: 0.45,
      scaleHighArcsec: 0.55,
    });
    assert.ok('reason' in r);
    assert.match(r.reason, /too fine for this catalog.*4200\/5200-series indexes/);
  });
});
