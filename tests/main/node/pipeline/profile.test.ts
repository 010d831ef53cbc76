import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  defaultProfile,
  loadProfile,
  matchesPatterns,
  needsWorker,
  parseProfile,
} from '../../../../src-main/node/pipeline/profile.js';
import { isHiddenOrTemporary, wantsFile } from '../../../../src-main/node/watch/file-filter.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-profile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('profiles', () => {
  it('loads a YAML profile, running exactly the steps it lists', () => {
    const path = join(dir, 'nightly.yaml');
    writeFileSync(
      path,
      'patterns: ["*.fit"]\nsteps:\n  detect: { threshSigma: 5 }\n  photometry: { radiusPx: 3 }\nmatch: { radiusArcsec: 2 }\n',
    );
    const p = loadProfile(path);
    assert.equal(p.name, 'nightly');
    assert.deepEqual(p.patterns, ['*.fit']);
    assert.deepEqual(p.steps.detect, { threshSigma: 5, minAreaPx: 5 });
    assert.deepEqual(p.steps.photometry, { radiusPx: 3, annulusPx: [6, 9] });
    assert.equal(p.steps.stats, false);
    assert.equal(p.steps.calibrate, false);
    assert.equal(p.match.radiusArcsec, 2);
  });

  it('defaults to detection and photometry on every FITS frame; an empty step list needs no worker', () => {
    const d = defaultProfile();
    assert.ok(d.steps.detect && d.steps.photometry && needsWorker(d));
    assert.equal(needsWorker(parseProfile({ steps: {} })), false);
  });

  for (const [raw, message] of [
    [
      { steps: { detect: { threshSigma: -1 } } },
      /p\.yaml: steps\.detect\.threshSigma: must be a positive number, got -1/,
    ],
    [{ steps: { detec: true } }, /p\.yaml: steps\.detec: unknown field/],
    [{ steps: { photometry: { radiusPx: 4 } } }, /steps\.photometry: needs steps\.detect/],
    [
      { steps: { detect: true, photometry: { radiusPx: 4, annulusPx: [10, 6] } } },
      /annulusPx: must be \[inner, outer\]/,
    ],
    [{ patterns: [] }, /p\.yaml: patterns: must be a non-empty list/],
    [{ jobs: { maxAttempts: 1.5 } }, /jobs\.maxAttempts: must be a positive integer/],
    [{ stability: 'fast' }, /stability: must be a mapping/],
    [['a'], /p\.yaml: profile: must be a mapping/],
  ] as const) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      assert.throws(() => parseProfile(raw, 'p.yaml'), message);
    });
  }

  it('names a file that is not YAML', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'steps: [unclosed\n');
    assert.throws(() => loadProfile(path), /broken\.yaml: not valid YAML/);
  });
});

describe('file filter', () => {
  it('takes FITS names case-insensitively and ignores hidden and temporary files', () => {
    assert.ok(matchesPatterns('M31_0001.FITS', ['*.fits']));
    assert.ok(wantsFile('/data/night/m31.fit', ['*.fit']));
    for (const p of [
      '/data/.sync/m31.fits',
      '/data/.m31.fits',
      '/data/m31.fits.part',
      '/data/m31.fits.tmp',
      '/data/m31.fits~',
      '/data/m31.fits.crdownload',
    ]) {
      assert.ok(isHiddenOrTemporary(p, '/data'), p);
    }
    assert.equal(
      isHiddenOrTemporary('/home/.me/data/m31.fits', '/home/.me/data'),
      false,
      'a hidden folder above the root does not count',
    );
  });
});
