// Header rewriting for solved copies: named cards go (with their CONTINUE cards), new ones come before
// END, a stale CHECKSUM goes, and astropy reads the same data and the other cards unchanged.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { editHeaderBytes } from '../../../src-workers/io/fits-header-edit.js';
import { readFitsFile } from '../../../src-workers/io/fits-file.js';
import { python } from '../fits-oracles.js';

const tmp = mkdtempSync(join(tmpdir(), 'owb-header-edit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('editHeaderBytes', () => {
  it('replaces cards, keeps the rest and the data byte for byte (astropy)', async () => {
    const src = join(tmp, 'in.fits');
    python(`
import numpy as np
from astropy.io import fits
h = fits.PrimaryHDU(np.arange(200, dtype=np.int16).reshape(10, 20))
h.header['CTYPE1'] = 'RA---TAN'; h.header['CRVAL1'] = 10.0
h.header['WCSNAME'] = 'x' * 150
h.header['OBSERVER'] = 'Someone'
for i in range(40): h.header[f'KEY{i}'] = i
h.add_checksum()
fits.HDUList([h, fits.ImageHDU(np.ones((3, 3), dtype=np.float32), name='EXTRA')]).writeto(${JSON.stringify(src)})`);
    const { bytes, hdus } = await readFitsFile(src);
    const out = editHeaderBytes(bytes, hdus[0], (k) => !/^(CTYPE1|CRVAL1|WCSNAME)$/.test(k), [
      { key: 'CTYPE1', value: 'RA---TAN-SIP', comment: 'new' },
      { key: 'CRVAL1', value: 20.5 },
      { key: 'HISTORY', comment: 'owb solve: test' },
    ]);
    const dst = join(tmp, 'out.fits');
    writeFileSync(dst, out);
    const r = JSON.parse(
      python(`
import json, numpy as np
from astropy.io import fits
a = fits.open(${JSON.stringify(src)}); b = fits.open(${JSON.stringify(dst)})
hb = b[0].header
print(json.dumps({'same0': bool(np.array_equal(a[0].data, b[0].data)), 'same1': bool(np.array_equal(a[1].data, b[1].data)),
  'ctype': hb['CTYPE1'], 'crval': hb['CRVAL1'], 'wcsname': 'WCSNAME' in hb, 'checksum': 'CHECKSUM' in hb,
  'datasum': hb.get('DATASUM') == a[0].header.get('DATASUM'), 'observer': hb['OBSERVER'], 'key39': hb['KEY39'],
  'history': str(hb['HISTORY']), 'ext': b[1].name}))`),
    ) as Record<string, unknown>;
    assert.deepEqual(r, {
      same0: true,
      same1: true,
      ctype: 'RA---TAN-SIP',
      crval: 20.5,
      wcsname: false,
      checksum: false,
      datasum: true,
      observer: 'Someone',
      key39: 39,
      history: 'owb solve: test',
      ext: 'EXTRA',
    });
    assert.equal(readFileSync(dst).length % 2880, 0);
  });
});
