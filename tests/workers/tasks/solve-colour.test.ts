// The colour term of the photometric calibration end to end: Debian's Tycho-2 files carry V_T only, so
// this test copies index 4110 and appends a tag-along table with MAG_BT (written by astropy), as an index
// built with both Tycho-2 magnitudes has. The reader must give B_T − V_T per star, the solver must carry it
// to the matched stars, and the fit must recover the zero point and colour term the synthetic fluxes were
// made with. Without a colour the calibration says why there is no colour term.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStarIndex } from '../../../src-workers/io/star-index-file.js';
import { buildConeLookup, type StarIndex } from '../../../src-workers/core/astrometry/star-index.js';
import { recordSource } from '../../../src-workers/core/wcs/index.js';
import { solveDetections } from '../../../src-workers/tasks/plate-solve.js';
import { calibrateSolution } from '../../../src-workers/tasks/solve-photometry.js';
import { syntheticField } from '../core/astrometry/synthetic-field.js';

const INDEX10 = '/usr/share/astrometry/index-tycho2-10.littleendian.fits';
const astropy = spawnSync('/usr/bin/python3', ['-c', 'import astropy, numpy'], { encoding: 'utf8' }).status === 0;
const skip = !existsSync(INDEX10)
  ? 'Tycho-2 index package astrometry-data-tycho2-10-19 absent'
  : !astropy
    ? 'Debian python3-astropy absent'
    : false;

const APPEND_BT = `
import sys, numpy as np
from astropy.io import fits
path = sys.argv[1]
with fits.open(path) as h:
    vt = [x for x in h if x.header.get('TTYPE1') == 'MAG_VT'][0].data['MAG_VT'].astype('f8')
colour = 0.05 + 1.3 * np.random.default_rng(19).random(vt.size)
hdu = fits.BinTableHDU.from_columns([fits.Column(name='MAG_BT', format='E', array=(vt + colour).astype('f4'))])
hdu.header['AN_FILE'] = 'TAGALONG'
fits.append(path, hdu.data, hdu.header)
print(repr(float(colour[0])), repr(float(colour[12345])))
`;

describe('photometric colour term from an index with B_T and V_T', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-colour-index-'));
  const path = join(dir, 'index-tycho2-10-bt.fits');
  let index: StarIndex;
  let written: number[];
  before(async () => {
    copyFileSync(INDEX10, path);
    const py = spawnSync('/usr/bin/python3', ['-c', APPEND_BT, path], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    written = py.stdout.trim().split(' ').map(Number);
    index = await readStarIndex(path);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads B_T − V_T per star from the tag-along tables', () => {
    assert.equal(index.colourName, 'B_T-V_T');
    assert.equal(index.magName, 'MAG_VT');
    // float32 magnitudes: their difference is good to ~1e-6 mag.
    assert.ok(Math.abs(index.colour![0] - written[0]) < 2e-6, `${index.colour![0]} vs ${written[0]}`);
    assert.ok(Math.abs(index.colour![12345] - written[1]) < 2e-6);
  });

  it('recovers the zero point (0.02 mag) and colour term (0.02) of the synthetic frame', async () => {
    const spec = {
      raDeg: 201.4,
      decDeg: 33.2,
      scaleArcsec: 12,
      rotationDeg: 70,
      flip: false,
      seed: 19,
      width: 2048,
      height: 2048,
      hotPixels: 10,
      extraStars: 20,
    };
    const f = syntheticField(index, buildConeLookup(index.xyz), spec);
    // V_T = 25 + c·(B_T − V_T) − 2.5 log10(F): scale each catalog star's flux by its colour.
    const term = -0.12;
    const flux = Float64Array.from(f.stars.flux, (v, i) =>
      f.truthStar[i] >= 0 ? v * 10 ** (0.4 * term * index.colour![f.truthStar[i]]) : v,
    );
    const r = await solveDetections({ ...f.stars, flux }, spec.width, spec.height, recordSource({}), {
      raDeg: spec.raDeg + 0.2,
      decDeg: spec.decDeg - 0.3,
      radiusDeg: 1,
      scaleLowArcsec: 11,
      scaleHighArcsec: 13,
      indexDirs: [dir],
    });
    assert.ok('solution' in r, 'reason' in r ? r.reason : '');
    const cal = calibrateSolution(
      r.solution,
      (d) => flux[d],
      () => false,
    );
    assert.ok(cal && cal.colourTerm !== null && cal.colourZp !== null, cal?.colourNote);
    assert.equal(cal.colourName, 'B_T-V_T');
    assert.ok(Math.abs(cal.colourTerm - term) < 0.02, `colour term ${cal.colourTerm} vs ${term}`);
    assert.ok(Math.abs(cal.colourZp - 25) < 0.02, `zero point ${cal.colourZp} vs 25`);
    assert.ok(cal.colourTermErr! > 0 && cal.colourTermErr! < 0.02, `error ${cal.colourTermErr}`);
    console.log(
      `# colour term ${cal.colourTerm.toFixed(4)} ± ${cal.colourTermErr!.toFixed(4)}, zp ${cal.colourZp.toFixed(4)}, ${cal.used} stars`,
    );
  });

  it('says why there is no colour term with the packaged V_T-only index', async () => {
    const plain = await readStarIndex(INDEX10, { quads: false });
    assert.equal(plain.colour, null);
    const sol = {
      matchedField: [0, 1, 2, 3],
      matchedMag: [9, 9.5, 10, 10.5],
      matchedColour: [NaN, NaN, NaN, NaN],
      magName: 'MAG_VT',
      colourName: null,
    } as unknown as Parameters<typeof calibrateSolution>[0];
    const cal = calibrateSolution(
      sol,
      (d) => 10 ** (-0.4 * (sol.matchedMag[d] - 25)),
      () => false,
    )!;
    assert.ok(Math.abs(cal.zp - 25) < 1e-9);
    assert.equal(cal.colourTerm, null);
    assert.match(cal.colourNote ?? '', /no colour \(Debian Tycho-2 indexes carry V_T only\)/);
  });
});
