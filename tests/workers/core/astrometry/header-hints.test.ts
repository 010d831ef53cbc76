// Pointing and scale hints from headers: sexagesimal and decimal RA/Dec, DSS plate cards, pixel scale.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerHints, parseAngle } from '../../../../src-workers/core/astrometry/header-hints.js';

const src = (r: Record<string, string | number>) => ({ get: (k: string) => r[k] });

describe('header hints', () => {
  it('parses sexagesimal and decimal angles', () => {
    assert.ok(Math.abs(parseAngle('08 51 18.0', true) - 132.825) < 1e-9);
    assert.ok(Math.abs(parseAngle('-05:23:28', false) + 5.391111111) < 1e-6);
    assert.equal(parseAngle('132.5', false), 132.5);
    assert.ok(Number.isNaN(parseAngle('north', false)));
  });

  it('takes OBJCTRA in hours, RA as a number in degrees, and the scale from XPIXSZ/FOCALLEN', () => {
    const a = headerHints(src({ OBJCTRA: '08 51 18', OBJCTDEC: '+11 48 00', XPIXSZ: 9, FOCALLEN: 1000 }));
    assert.ok(Math.abs(a.raDeg! - 132.825) < 1e-9 && Math.abs(a.decDeg! - 11.8) < 1e-9);
    assert.ok(Math.abs(a.scaleArcsec! - 1.85638) < 1e-4);
    const b = headerHints(src({ RA: 132.825, DEC: 11.8 }));
    assert.equal(b.raDeg, 132.825);
  });

  it('reads a DSS plate centre and PLTSCALE × XPIXELSZ, with ASCII-only sources (they go into HISTORY)', () => {
    const h = headerHints(
      src({
        PLTRAH: 8,
        PLTRAM: 55,
        PLTRAS: 55.05,
        PLTDECSN: '+',
        PLTDECD: 11,
        PLTDECM: 26,
        PLTDECS: 58.3,
        PLTSCALE: 67.2,
        XPIXELSZ: 25.28445,
      }),
    );
    assert.ok(Math.abs(h.raDeg! - 133.979375) < 1e-6 && h.radiusDeg === 5);
    assert.ok(Math.abs(h.scaleArcsec! - 1.6991) < 1e-3);
    for (const s of h.source) assert.match(s, /^[\x20-\x7e]+$/);
  });
});
