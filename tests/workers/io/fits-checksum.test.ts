// Issue 23 (integrity): CHECKSUM/DATASUM verified on read. Files are written by astropy with
// checksum=True (the independent implementation), then one byte is flipped; astropy's own verification
// (fits.open(checksum=True) warns on a mismatch) is the oracle for which HDU and keyword fail.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyFileChecksums } from '../../../src-workers/io/fits-checksum.js';
import { PYTHON, python } from '../fits-oracles.js';

const noAstropy =
  !existsSync(PYTHON) || python('import importlib.util as u\nprint(bool(u.find_spec("astropy")))').trim() !== 'True';
const dir = mkdtempSync(join(tmpdir(), 'owb-checksum-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** astropy's verdict per HDU: verify_datasum()/verify_checksum() give 1 (matches), 0 (does not), 2 (absent). */
function astropyReports(path: string): Array<{ datasumOk?: boolean; checksumOk?: boolean }> {
  const out = python(`
import json
from astropy.io import fits
res = []
with fits.open(${JSON.stringify(path)}) as h:
    for hdu in h:
        r = {}
        d, c = hdu.verify_datasum(), hdu.verify_checksum()
        if d != 2: r['datasumOk'] = d == 1
        if c != 2: r['checksumOk'] = c == 1
        res.append(r)
print(json.dumps(res))
`);
  return JSON.parse(out) as Array<{ datasumOk?: boolean; checksumOk?: boolean }>;
}

function flipByte(from: string, to: string, offset: number): void {
  const bytes = readFileSync(from);
  bytes[offset] ^= 0x01;
  writeFileSync(to, bytes);
}

describe(
  'CHECKSUM/DATASUM verification (issue 23)',
  { skip: noAstropy && 'needs /usr/bin/python3 with astropy' },
  () => {
    const good = join(dir, 'good.fits');
    const plain = join(dir, 'plain.fits');
    if (!noAstropy)
      python(`
import numpy as np
from astropy.io import fits
rng = np.random.default_rng(23)
img = rng.normal(1000, 30, (1300, 1100)).astype('>f4')  # 5.7 MB: several 4 MiB chunks
tab = fits.BinTableHDU.from_columns([fits.Column(name='flux', format='D', array=rng.normal(size=500))])
fits.HDUList([fits.PrimaryHDU(img), fits.ImageHDU((rng.integers(0, 60000, (70, 90))).astype('>i2')), tab]).writeto(${JSON.stringify(good)}, checksum=True)
fits.PrimaryHDU(img[:50, :50]).writeto(${JSON.stringify(plain)})
`);

    it('reads ok for a file astropy wrote with checksum=True', async () => {
      const result = await verifyFileChecksums(good);
      assert.equal(result.state, 'ok');
      assert.deepEqual(result.hdus, astropyReports(good));
      assert.deepEqual(result.hdus, [
        { datasumOk: true, checksumOk: true },
        { datasumOk: true, checksumOk: true },
        { datasumOk: true, checksumOk: true },
      ]);
      assert.deepEqual(result.problems, []);
    });

    it('reads absent for a file without the keywords', async () => {
      const result = await verifyFileChecksums(plain);
      assert.equal(result.state, 'absent');
      assert.deepEqual(result.hdus, [{}]);
    });

    it('one flipped data byte is bad: DATASUM and CHECKSUM of that HDU, as astropy says', async () => {
      const flipped = join(dir, 'data-flip.fits');
      flipByte(good, flipped, 2880 + 4_500_001); // inside the second 4 MiB chunk of the primary data
      const result = await verifyFileChecksums(flipped);
      assert.equal(result.state, 'bad');
      assert.deepEqual(result.hdus[0], { datasumOk: false, checksumOk: false });
      assert.deepEqual(result.hdus.slice(1), [
        { datasumOk: true, checksumOk: true },
        { datasumOk: true, checksumOk: true },
      ]);
      assert.deepEqual(result.problems, ['HDU 0: DATASUM does not match the data', 'HDU 0: CHECKSUM does not match']);
    });

    it('a flipped header byte of an extension breaks only its CHECKSUM', async () => {
      const text = readFileSync(good, 'latin1');
      const second = text.indexOf('XTENSION');
      const at = text.indexOf("'IMAGE   '", second) + 3; // inside the XTENSION value's text
      const flipped = join(dir, 'header-flip.fits');
      flipByte(good, flipped, at);
      const result = await verifyFileChecksums(flipped);
      assert.equal(result.state, 'bad');
      assert.deepEqual(result.hdus[1], { datasumOk: true, checksumOk: false });
      assert.match(result.problems.join('\n'), /^HDU 1: CHECKSUM does not match \(the header or the data changed/);
      assert.deepEqual(result.hdus, astropyReports(flipped));
    });

    it('verifies a gzip-compressed file over its inflated bytes', async () => {
      const gz = join(dir, 'good.fits.gz');
      python(
        `import gzip, shutil\nshutil.copyfileobj(open(${JSON.stringify(good)}, 'rb'), gzip.open(${JSON.stringify(gz)}, 'wb'))`,
      );
      const result = await verifyFileChecksums(gz);
      assert.equal(result.state, 'ok');
      assert.equal(result.hdus.length, 3);
    });
  },
);
