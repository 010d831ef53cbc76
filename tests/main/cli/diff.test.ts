import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simulateStarField } from '../../../src-workers/core/simulate/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { Catalog } from '../../../src-main/node/catalog/index.js';

const owb = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });

describe('owb diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-diff-'));
  const transient = { x: 140.4, y: 60.2, fluxAdu: 15000, fwhmPx: 3.4 };
  const shift: [number, number] = [2.3, -1.6];
  const wcs = {
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRPIX1: 100.5,
    CRPIX2: 100.5,
    CRVAL1: 10,
    CRVAL2: -30,
    CD1_1: -1 / 3600,
    CD1_2: 0,
    CD2_1: 0,
    CD2_2: 1 / 3600,
  };
  const common = {
    widthPx: 200,
    heightPx: 200,
    starCount: 70,
    skyAdu: 300,
    gainEPerAdu: 2,
    minFluxAdu: 4000,
    maxFluxAdu: 1e5,
    seed: 5,
  };
  before(async () => {
    const ref = simulateStarField({ ...common, fwhmPx: 2.7, noiseSeed: 1 });
    const sci = simulateStarField({ ...common, fwhmPx: 3.4, noiseSeed: 2, shiftPx: shift, extraStars: [transient] });
    await writeFitsImage(join(dir, 'ref.fits'), ref.image, { header: { ...wcs, IMAGETYP: 'Light Frame' } });
    await writeFitsImage(join(dir, 'sci.fits'), sci.image, { header: { ...wcs, IMAGETYP: 'Light Frame' } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('registers the reference, finds the transient and writes the difference, candidates and regions', async () => {
    const run = owb([
      'diff',
      join(dir, 'sci.fits'),
      '--ref',
      join(dir, 'ref.fits'),
      '--out',
      join(dir, 'diff.fits'),
      '--aligned-ref',
      join(dir, 'aligned.fits'),
      '--candidates',
      join(dir, 'c.csv'),
      '--regions',
      join(dir, 'c.reg'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    const [header, ...rows] = readFileSync(join(dir, 'c.csv'), 'utf8').trim().split('\n');
    assert.equal(header, 'id,x,y,ra,dec,sign,flux,flux_err,snr,fwhm,reference_flux,dipole,flags');
    const parsed = rows.map((r) => r.split(',').map(Number));
    const hit = parsed.find((r) => Math.hypot(r[1] - (transient.x + shift[0]), r[2] - (transient.y + shift[1])) < 0.5);
    assert.ok(hit, `transient not found in ${rows.join(' | ')}`);
    assert.equal(hit[5], 1, 'brighter in the science frame');
    assert.ok(Math.abs(hit[6] / transient.fluxAdu - 1) < 0.05, `flux ${hit[6]}`);
    assert.ok(parsed.length <= 3, `${parsed.length} candidates from 70 subtracted stars`);
    // Sky position from the science WCS: 1 px = 1 arcsec from the reference pixel (99.5, 99.5 0-based).
    const dxArcsec = (hit[1] - 99.5) * -1;
    assert.ok(Math.abs((hit[3] - 10) * 3600 * Math.cos((-30 * Math.PI) / 180) - dxArcsec) < 0.05, 'ra');
    assert.match(readFileSync(join(dir, 'c.reg'), 'utf8'), /^image\ncircle\(/m);
    // The aligned reference carries the stars where the science frame has them: the transform is right.
    const aligned = await readFitsImage(join(dir, 'aligned.fits'));
    const diff = await readFitsImage(join(dir, 'diff.fits'));
    assert.equal(diff.header.getString('CTYPE1'), 'RA---TAN');
    assert.equal(aligned.image.width, 200);
    assert.match(run.stdout, /registered by stars on \d+ stars/);
  });

  it('records candidates for curation once, and refuses frames the catalog does not know', () => {
    const db = join(dir, 'catalog.db');
    const diffIntoCatalog = (): ReturnType<typeof owb> =>
      owb(['diff', join(dir, 'sci.fits'), '--ref', join(dir, 'ref.fits'), '--out', join(dir, 'd2.fits'), '--db', db]);
    const refused = diffIntoCatalog();
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /not in the catalog yet/);
    const watch = owb(['watch', dir, '--db', db, '--once']);
    assert.ok(watch.status === 0 || watch.status === 3, watch.stderr);
    const first = diffIntoCatalog();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /recorded as candidates of frame/);
    const again = diffIntoCatalog();
    assert.match(again.stdout, /already recorded/);
    const catalog = Catalog.open(db);
    try {
      const rows = catalog.db.prepare("SELECT details_json FROM candidates WHERE kind = 'transient'").all() as Array<{
        details_json: string;
      }>;
      assert.ok(rows.length >= 1 && rows.length <= 3);
      const details = JSON.parse(rows[0].details_json) as { differencePath: string; referencePath: string };
      assert.ok(details.differencePath.endsWith('d2.fits'));
    } finally {
      catalog.close();
    }
  });

  it('runs its worker from any working folder (sources mode through bin/owb.js)', () => {
    const run = spawnSync(
      process.execPath,
      [join(process.cwd(), 'bin', 'owb.js'), 'diff', 'sci.fits', '--ref', 'ref.fits', '--out', 'd3.fits'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, OWB_FROM_SOURCE: '1', CI: '1' } },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /candidates \(1 brighter/);
  });

  it('explains bad input', () => {
    const missing = owb(['diff', join(dir, 'sci.fits'), '--out', join(dir, 'x.fits')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^owb: diff: --ref REFERENCE is required/);
    const nofile = owb(['diff', join(dir, 'nope.fits'), '--ref', join(dir, 'ref.fits'), '--out', join(dir, 'x.fits')]);
    assert.equal(nofile.status, 2);
    assert.match(nofile.stderr, /nope\.fits: no such file/);
  });
});
