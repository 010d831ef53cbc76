// The astrometry.net index reader against numpy reading the same bytes, the file's own codes recomputed
// from its quads' stars, and the cone query against a brute-force scan.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStarIndex, readStarIndexInfo, findStarIndexes } from '../../../src-workers/io/star-index-file.js';
import { buildConeLookup, coneStars, starRadec } from '../../../src-workers/core/astrometry/star-index.js';
import { skyCode } from '../../../src-workers/core/astrometry/quad-code.js';
import { radecToXyz, angularSeparationDeg } from '../../../src-workers/core/astrometry/sphere.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { python } from '../fits-oracles.js';

const INDEX = '/usr/share/astrometry/index-tycho2-10.littleendian.fits';
const skip = existsSync(INDEX) ? false : `${INDEX} absent (Debian package astrometry-data-tycho2-10-19)`;
const tmp = mkdtempSync(join(tmpdir(), 'owb-star-index-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('star index reader (index-tycho2-10)', { skip }, () => {
  it('reads INDEXID, scales, counts from the primary header', async () => {
    const info = await readStarIndexInfo(INDEX);
    assert.equal(info.indexId, 4110);
    assert.equal(info.starCount, 362950);
    assert.equal(info.quadCount, 580800);
    assert.ok(Math.abs((info.scaleLowRad * 180 * 60) / Math.PI - 60) < 1e-6);
  });

  it('gives the RA/Dec, V_T magnitudes and quads numpy reads from the same bytes', async () => {
    const index = await readStarIndex(INDEX);
    assert.equal(index.magName, 'MAG_VT');
    // numpy: raw little-endian u32 star rows scaled by the range table; MAG_VT through astropy.
    const picks = [0, 1, 2, 1234, 99999, 200000, 362949];
    const out = python(`
import json, numpy as np
from astropy.io import fits
f = ${JSON.stringify(INDEX)}
h = fits.open(f)
def find(name):
    return next(x for x in h[1:] if x.header['TTYPE1'] == name)
def raw(x):
    with open(f, 'rb') as fh:
        fh.seek(x._data_offset)
        return np.frombuffer(fh.read(x.header['NAXIS1'] * x.header['NAXIS2']), 'u1')
rng = raw(find('kdtree_range_stars')).view('<f8')
xyz = rng[:3] + raw(find('kdtree_data_stars')).view('<u4').reshape(-1, 3) / rng[6]
xyz /= np.linalg.norm(xyz, axis=1)[:, None]
ra = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) % 360
dec = np.degrees(np.arcsin(xyz[:, 2]))
mag = find('MAG_VT').data['MAG_VT']
q = raw(find('quads')).view('<u4').reshape(-1, 4)
picks = ${JSON.stringify(picks)}
print(json.dumps({'ra': ra[picks].tolist(), 'dec': dec[picks].tolist(), 'mag': mag[picks].astype(float).tolist(),
  'q': q[picks].tolist(), 'magsum': float(mag.astype(float).sum())}))`);
    const ref = JSON.parse(out) as { ra: number[]; dec: number[]; mag: number[]; q: number[][]; magsum: number };
    picks.forEach((i, k) => {
      const [ra, dec] = starRadec(index, i);
      assert.ok(angularSeparationDeg(ra, dec, ref.ra[k], ref.dec[k]) * 3600 < 1e-6, `star ${i} position`);
      assert.equal(index.mag![i], ref.mag[k]);
      assert.deepEqual(Array.from(index.quads.subarray(4 * i, 4 * i + 4)), ref.q[k]);
    });
    let sum = 0;
    for (const m of index.mag!) sum += m;
    assert.ok(Math.abs(sum - ref.magsum) < 1e-6 * Math.abs(ref.magsum), `sum of MAG_VT ${sum} vs ${ref.magsum}`);
  });

  it("has codes equal to the codes of its quads' stars (so the code axes and parity are astrometry.net's)", async () => {
    const index = await readStarIndex(INDEX);
    const code = new Float64Array(4);
    let worst = 0;
    for (let q = 0; q < index.quads.length / 4; q += 997) {
      skyCode(index.xyz, index.quads.subarray(4 * q, 4 * q + 4), code);
      for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(code[k] - index.codes[4 * q + k]));
    }
    // The codes are stored as u16 at 46340 units per code unit (quantum 2.2e-5).
    assert.ok(worst < 1e-4, `worst code difference ${worst}`);
  });

  it('cone query returns exactly the stars a brute-force scan finds', async () => {
    const index = await readStarIndex(INDEX, { quads: false });
    const lookup = buildConeLookup(index.xyz);
    for (const [ra, dec, r] of [
      [132.85, 11.8, 2],
      [10, -89.5, 1.5],
      [359.9, 0, 3],
      [200, 60, 0.5],
    ]) {
      const centre = radecToXyz(ra, dec);
      const got = coneStars(index.xyz, lookup, centre, r);
      const want: number[] = [];
      for (let i = 0; i < index.starCount; i++) {
        const [a, d] = starRadec(index, i);
        if (angularSeparationDeg(a, d, ra, dec) <= r) want.push(i);
      }
      // Stars within 1e-9° of the edge may fall either way between dot product and haversine.
      const diff =
        want.filter((i) => !got.includes(i)).length + Array.from(got).filter((i) => !want.includes(i)).length;
      assert.ok(diff <= 1 && want.length > 0, `cone (${ra}, ${dec}, ${r}): ${got.length} vs ${want.length}`);
    }
  });
});

describe('star index reader: bad input', () => {
  it('names the file when it is not an index', async () => {
    const path = join(tmp, 'plain.fits');
    const card = (s: string) => s.padEnd(80, ' ');
    writeFileSync(
      path,
      (
        card('SIMPLE  =                    T') +
        card('BITPIX  =                    8') +
        card('NAXIS   =                    0') +
        card('END')
      ).padEnd(2880, ' '),
    );
    await assert.rejects(
      readStarIndex(path),
      (e: unknown) => e instanceof InputError && /plain\.fits: is not an astrometry\.net index/.test(e.message),
    );
  });
  it('skips non-index files in a folder and lists the packaged ones', { skip }, async () => {
    writeFileSync(join(tmp, 'junk.fits'), 'not fits');
    const none = await findStarIndexes([tmp]);
    assert.equal(none.length, 0);
    const all = await findStarIndexes(['/usr/share/astrometry']);
    assert.ok(all.some((i) => i.indexId === 4110));
  });
});
