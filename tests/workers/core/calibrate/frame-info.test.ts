import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFrameType, frameInfo, requireCompatible } from '../../../../src-workers/core/calibrate/index.js';
import { FitsHeader } from '../../../../src-workers/core/fits/index.js';

describe('classifyFrameType', () => {
  const cases: Array<[string, string]> = [
    ['Bias Frame', 'bias'],
    ['BIAS', 'bias'],
    ['zero', 'bias'],
    ['Dark Frame', 'dark'],
    ['DARK', 'dark'],
    ['Flat Field', 'flat'],
    ['FLAT', 'flat'],
    ['SKYFLAT', 'flat'],
    ['Dome Flat', 'flat'],
    ['Light Frame', 'light'],
    ['LIGHT', 'light'],
    ['object', 'light'],
    ['SCIENCE', 'light'],
    ['ARC', 'unknown'],
  ];
  for (const [raw, want] of cases) it(`'${raw}' → ${want}`, () => assert.equal(classifyFrameType(raw), want));
});

describe('frameInfo', () => {
  it('reads the keywords real cameras write, with fallbacks', () => {
    const h = new FitsHeader();
    h.set('FRAME', 'Dark');
    h.set('EXPOSURE', 30);
    h.set('XBINNING', 2);
    h.set('YBINNING', 2);
    h.set('CCD-TEMP', -15.2);
    h.set('EGAIN', 1.3);
    h.set('FILTER', 'Ha  ');
    h.set('DATE-OBS', '2024-01-02T03:04:05');
    assert.deepEqual(frameInfo(h), {
      type: 'dark',
      exposureSec: 30,
      filter: 'Ha',
      binX: 2,
      binY: 2,
      gainEPerAdu: 1.3,
      ccdTempC: -15.2,
      dateObs: '2024-01-02T03:04:05',
    });
  });

  it('prefers EXPTIME over EXPOSURE and IMAGETYP over OBSTYPE', () => {
    const h = new FitsHeader();
    h.set('OBSTYPE', 'OBJECT');
    h.set('IMAGETYP', 'Flat Field');
    h.set('EXPOSURE', 3);
    h.set('EXPTIME', 2);
    const info = frameInfo(h);
    assert.equal(info.type, 'flat');
    assert.equal(info.exposureSec, 2);
    assert.equal(info.filter, undefined);
  });
});

describe('requireCompatible', () => {
  const ref = { name: 'a.fits', width: 100, height: 80, binX: 1, binY: 1 };
  it('refuses a different size, naming both files', () => {
    assert.throws(
      () => requireCompatible(ref, { ...ref, name: 'b.fits', width: 99 }),
      /b\.fits: size 99×80 does not match a\.fits \(100×80\)/,
    );
  });
  it('refuses a different binning', () => {
    assert.throws(
      () => requireCompatible(ref, { ...ref, name: 'c.fits', binX: 2, binY: 2 }),
      /c\.fits: binning 2×2 does not match a\.fits \(1×1\)/,
    );
  });
});
