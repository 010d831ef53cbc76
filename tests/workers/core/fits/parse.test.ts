// parseFits on mutated files: any byte of a real multi-extension file changed at random (seeded) gives
// either a parse or an InputError — never another exception, never a data view past the buffer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { decodeImageHdu, parseFits } from '../../../../src-workers/core/fits/index.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { REAL_DIR } from '../../fits-oracles.js';

describe('parseFits robustness', () => {
  it('seeded header mutations of a real MEF file yield a parse or an InputError', () => {
    const original = readFileSync(join(REAL_DIR, 'gemini_gmos_s_ltt7379_cr.fits'));
    const { hdus } = parseFits(original);
    // Header regions only: that is where structure lives.
    const regions = hdus.map((h) => [h.headerOffset, h.dataOffset] as const);
    const rng = createRng(2024);
    let refused = 0;
    for (let trial = 0; trial < 400; trial++) {
      const bytes = new Uint8Array(original);
      const [lo, hi] = regions[rng.int(regions.length)];
      const alphabet = "0123456789-+.ETF= 'ABXNIS\u0000\u00ff";
      for (let k = 0; k < 1 + rng.int(4); k++)
        bytes[lo + rng.int(hi - lo)] = alphabet.charCodeAt(rng.int(alphabet.length));
      try {
        const parsed = parseFits(bytes, { fileName: 'mutant.fits' });
        for (const hdu of parsed.hdus) {
          assert.ok(hdu.dataOffset + hdu.dataBytes <= bytes.length);
          if (hdu.kind === 'image' && !hdu.compressed && hdu.naxis.length >= 2 && hdu.naxis.every((n) => n > 0))
            decodeImageHdu(hdu);
        }
      } catch (error) {
        assert.ok(error instanceof InputError, `trial ${trial}: ${String(error)}`);
        assert.match(error.message, /^mutant\.fits: /);
        refused++;
      }
    }
    assert.ok(refused > 0);
  });
});
