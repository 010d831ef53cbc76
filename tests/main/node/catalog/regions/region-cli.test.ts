// Region files on the command line: `owb catalog sources --region FILE` keeps the sources inside (image regions on
// x/y, sky regions on ra/dec, '-' regions taken out, --limit counted after the selection), and
// `owb detect --mask-region FILE` leaves out the stars the regions cover (a sky circle through the frame's WCS).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../../src-main/node/catalog/index.js';
import { writeFitsImage } from '../../../../../src-workers/io/fits-file.js';

const repo = resolve(import.meta.dirname, '../../../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-region-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const owb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], { cwd: repo, encoding: 'utf8' });

describe('owb catalog sources --region', () => {
  const db = join(dir, 'catalog.db');
  before(() => {
    const catalog = Catalog.open(db);
    const { frameId } = new FrameStore(catalog.db).ingest({
      contentHash: 'f',
      path: join(dir, 'frame.fits'),
      fileName: 'frame.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light' },
    });
    // Sources 1–3 near pixel (20, 20); 4–6 far from it but 4 and 5 within 10″ of (150, 2); 6 without a sky position.
    catalog.db.transaction(() =>
      new FrameResultWriter(catalog.db).write(frameId, {
        width: 100,
        height: 100,
        quality: {},
        ran: [],
        skipped: [],
        sources: {
          count: 6,
          x: Float64Array.from([20, 22, 24.5, 80, 80, 80]),
          y: Float64Array.from([20, 19, 20, 80, 70, 60]),
          ra: Float64Array.from([151, 151, 151, 150 + 3 / 3600, 150, 152]),
          dec: Float64Array.from([3, 3, 3, 2, 2 - 5 / 3600, Number.NaN]),
          flux: Float64Array.from([1, 2, 3, 4, 5, 6]),
        },
      }),
    )();
    catalog.close();
  });

  const ids = (out: string) => (JSON.parse(readFileSync(out, 'utf8')) as Array<{ id: number }>).map((r) => r.id);

  it('keeps sources inside image and sky regions, less the excluded ones', () => {
    // DS9 pixels are 1-based: circle(21,21,4) is centred on the 0-based (20, 20) and holds sources 1 and 2;
    // source 3 at 4.5 px is outside. The fk5 circle holds 4 and 5; the icrs exclude takes 5 (at 5″) out again.
    const reg = join(dir, 'select.reg');
    writeFileSync(reg, 'image; circle(21,21,4)\nfk5; circle(150,2,10")\nicrs; -circle(150,1.99861,2")\n');
    const out = join(dir, 'selected.json');
    const r = owb('catalog', 'sources', '--db', db, '--region', reg, '--format', 'json', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ids(out), [1, 2, 4]);
    assert.match(r.stderr, /owb: 6 sources read, 3 inside .*select\.reg/);
    const limited = owb(
      'catalog',
      'sources',
      '--db',
      db,
      '--region',
      reg,
      '--format',
      'json',
      '--out',
      out,
      '--offset',
      '1',
      '--limit',
      '1',
    );
    assert.equal(limited.status, 0, limited.stderr);
    assert.deepEqual(ids(out), [2], '--offset and --limit count selected sources');
  });

  it('reads CRTF too', () => {
    const reg = join(dir, 'select.crtf');
    writeFileSync(reg, '#CRTFv0\nglobal coord=ICRS\ncircle[[150deg, 2deg], 10arcsec]\n');
    const out = join(dir, 'crtf.json');
    const r = owb('catalog', 'sources', '--db', db, '--region', reg, '--format', 'json', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ids(out), [4, 5]);
  });

  it('refuses a bad region file with one owb: line and exit 2', () => {
    const reg = join(dir, 'bad.reg');
    writeFileSync(reg, 'fk5\ncircle(150,2,3p)\n');
    const r = owb('catalog', 'sources', '--db', db, '--region', reg);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^owb: .*bad\.reg:2: '3p': pixel sizes on a sky region need a WCS/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const wrong = owb('catalog', 'objects', '--db', db, '--region', reg);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--region selects sources/);
  });
});

describe('owb detect --mask-region', () => {
  const fits = join(dir, 'stars.fits');
  const stars = [
    [30, 30],
    [90, 40],
    [60, 95],
  ];
  before(async () => {
    const w = 128;
    const h = 128;
    const data = new Float32Array(w * h);
    let seed = 3;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        let v = 100 + noise();
        for (const [x, y] of stars) v += 500 * Math.exp(-((i - x) ** 2 + (j - y) ** 2) / (2 * 1.5 ** 2));
        data[j * w + i] = v;
      }
    const s = 1 / 3600;
    await writeFitsImage(
      fits,
      { width: w, height: h, data },
      {
        header: {
          CTYPE1: 'RA---TAN',
          CTYPE2: 'DEC--TAN',
          CRVAL1: 150,
          CRVAL2: 2,
          CRPIX1: 65,
          CRPIX2: 65,
          CD1_1: -s,
          CD1_2: 0,
          CD2_1: 0,
          CD2_2: s,
          RADESYS: 'ICRS',
        },
      },
    );
  });

  const detected = (csv: string) =>
    readFileSync(csv, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(1)
      .map((l) => l.split(',').map(Number));

  it('masks the star under a sky circle and the one under an image box, keeps the third', () => {
    const plain = join(dir, 'plain.csv');
    const r0 = owb('detect', fits, '--out', plain, '--workers', '1');
    assert.equal(r0.status, 0, r0.stderr);
    assert.equal(detected(plain).length, 3, 'three stars without a mask');
    // The star at 0-based (90, 40) is 26″ west and 24″ south of the reference pixel (64, 64), i.e. at
    // RA 150 − 26″/cos 2°, Dec 2 − 24″; the box (1-based) covers the one at (30, 30).
    const ra = 150 - 26 / 3600 / Math.cos((2 * Math.PI) / 180);
    const reg = join(dir, 'mask.reg');
    writeFileSync(reg, `fk5; circle(${ra.toFixed(7)},${(2 - 24 / 3600).toFixed(7)},6")\nimage; box(31,31,12,12,0)\n`);
    const out = join(dir, 'masked.csv');
    const r = owb('detect', fits, '--out', out, '--workers', '1', '--mask-region', reg);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /mask\.reg: \d+ pixels masked/);
    const rows = detected(out);
    assert.equal(rows.length, 1, `one star left, got ${rows.length}`);
    const header = readFileSync(out, 'utf8')
      .split('\n')
      .find((l) => l && !l.startsWith('#'))!
      .split(',');
    const [x, y] = [rows[0][header.indexOf('x')], rows[0][header.indexOf('y')]];
    assert.ok(Math.hypot(x - 60, y - 95) < 0.5, `the star at (60, 95) is kept, found (${x}, ${y})`);
  });

  it('refuses a sky region on a frame without WCS, naming the file and line', async () => {
    const nowcs = join(dir, 'nowcs.fits');
    await writeFitsImage(nowcs, { width: 16, height: 16, data: new Float32Array(256).fill(1) });
    const reg = join(dir, 'sky.reg');
    writeFileSync(reg, 'image;circle(3,3,2)\nicrs;circle(150,2,6")\n');
    const r = owb('detect', nowcs, '--out', join(dir, 'x.csv'), '--mask-region', reg);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^owb: .*sky\.reg: line 2: a sky region \(icrs\) needs the frame's WCS/);
  });
});
