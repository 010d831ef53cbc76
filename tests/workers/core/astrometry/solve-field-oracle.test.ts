// Side by side with astrometry.net's solve-field (the oracle, when installed): the same synthetic
// detections of the real sky (Tycho-2 index-08 stars through a known TAN-SIP WCS, rotated, flipped,
// distorted, with hot pixels, missing and uncatalogued stars) given to both as an x/y list with the same
// hint. Both WCSs are compared with the truth and with each other on an 11 × 11 grid over the frame.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStarIndex } from '../../../../src-workers/io/star-index-file.js';
import { writeFitsTable } from '../../../../src-workers/io/fits-file.js';
import { prepareIndex, solveField } from '../../../../src-workers/core/astrometry/solve.js';
import { angularSeparationDeg } from '../../../../src-workers/core/astrometry/sphere.js';
import { python } from '../../fits-oracles.js';
import { syntheticField, type SyntheticSpec } from './synthetic-field.js';

const SOLVE_FIELD = '/usr/bin/solve-field';
const FILES = ['08', '09', '10'].map((n) => `/usr/share/astrometry/index-tycho2-${n}.littleendian.fits`);
const skip = !existsSync(SOLVE_FIELD)
  ? `${SOLVE_FIELD} absent (Debian package astrometry.net)`
  : FILES.some((f) => !existsSync(f))
    ? 'Tycho-2 index packages absent'
    : false;
const tmp = mkdtempSync(join(tmpdir(), 'owb-solve-field-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('owb solver vs solve-field on the same detections', { skip }, () => {
  it('both solve; owb is within 0.5 px of the truth and of solve-field everywhere', async () => {
    const indexes = await Promise.all(FILES.map(async (f) => prepareIndex(await readStarIndex(f))));
    const spec: SyntheticSpec = {
      raDeg: 83.8,
      decDeg: -5.4,
      scaleArcsec: 3,
      rotationDeg: 200,
      flip: true,
      width: 2048,
      height: 1536,
      seed: 2,
      distortion: 1e-6,
      hotPixels: 30,
    };
    const f = syntheticField(indexes[0].index, indexes[0].lookup, spec);
    const order = Array.from(f.stars.flux.keys()).sort((a, b) => f.stars.flux[b] - f.stars.flux[a]);
    const xyls = join(tmp, 'field.xyls');
    // solve-field's x/y lists are 1-based FITS pixels, brightest first.
    await writeFitsTable(xyls, [
      { name: 'X', data: Float64Array.from(order, (i) => f.stars.x[i] + 1) },
      { name: 'Y', data: Float64Array.from(order, (i) => f.stars.y[i] + 1) },
      { name: 'FLUX', data: Float64Array.from(order, (i) => f.stars.flux[i]) },
    ]);
    const hint = { raDeg: 84.2, decDeg: -5.7, radiusDeg: 2 };
    const sf = spawnSync(
      SOLVE_FIELD,
      [
        '--overwrite',
        '--no-plots',
        '--dir',
        tmp,
        '--width',
        '2048',
        '--height',
        '1536',
        '--scale-units',
        'arcsecperpix',
        '--scale-low',
        '2',
        '--scale-high',
        '4',
        '--ra',
        String(hint.raDeg),
        '--dec',
        String(hint.decDeg),
        '--radius',
        String(hint.radiusDeg),
        '--cpulimit',
        '120',
        xyls,
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    const wcsFile = join(tmp, 'field.wcs');
    assert.ok(existsSync(wcsFile), `solve-field did not solve:\n${sf.stdout}\n${sf.stderr}`);
    const grid: Array<[number, number]> = [];
    for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) grid.push([(i / 10) * 2047, (j / 10) * 1535]);
    const theirs = JSON.parse(
      python(
        `import json, numpy as np\nfrom astropy.io import fits\nfrom astropy.wcs import WCS\nw = WCS(fits.getheader(${JSON.stringify(wcsFile)}))\nprint(json.dumps(w.all_pix2world(np.array(${JSON.stringify(grid)}), 0).tolist()))`,
      ),
    ) as number[][];
    const ours = solveField(f.stars, indexes, {
      width: 2048,
      height: 1536,
      hint,
      scaleLowArcsec: 2,
      scaleHighArcsec: 4,
    });
    assert.ok(ours.solved, ours.solved ? '' : ours.reason);
    let oursTruth = 0;
    let theirsTruth = 0;
    let between = 0;
    grid.forEach(([x, y], k) => {
      const [a, b] = ours.wcs.pixelToSky(x, y);
      const [c, d] = f.wcs.pixelToSky(x, y);
      const [e, g] = theirs[k];
      oursTruth = Math.max(oursTruth, (angularSeparationDeg(a, b, c, d) * 3600) / 3);
      theirsTruth = Math.max(theirsTruth, (angularSeparationDeg(e, g, c, d) * 3600) / 3);
      between = Math.max(between, (angularSeparationDeg(a, b, e, g) * 3600) / 3);
    });
    const note = `worst px: owb–truth ${oursTruth.toFixed(3)}, solve-field–truth ${theirsTruth.toFixed(3)}, owb–solve-field ${between.toFixed(3)}`;
    assert.ok(oursTruth < 0.5, note);
    assert.ok(between < 0.5, note);
    console.log(`# ${note}`);
  });
});
