// `owb info` end to end (spawned like a user runs it): the JSON shape, statistics against numpy on
// astropy's physical values (min/max/median exact, mean/stdev within 1e-12 relative), content
// sniffing for FITS, .fits.gz, tile-compressed FITS, PNG, JPEG and TIFF, and exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { python, REAL_DIR } from '../../workers/fits-oracles.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-info-'));

function owb(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function numpyStats(path: string): Array<Record<string, number> | null> {
  return JSON.parse(
    python(
      `import json, numpy as np\nfrom astropy.io import fits\nout = []\nwith fits.open(${JSON.stringify(path)}) as f:\n  for h in f:\n    if h.is_image and h.data is not None and h.data.size:\n      x = np.asarray(h.data).astype(np.float64).ravel(); g = x[np.isfinite(x)]\n      out.append(dict(min=g.min(), max=g.max(), mean=g.mean(), median=np.median(g), stdev=g.std(), nanCount=int(np.isnan(x).sum()), posInfCount=int((x == np.inf).sum()), negInfCount=int((x == -np.inf).sum())))\n    else:\n      out.append(None)\nprint(json.dumps(out))`,
    ),
  );
}

describe('owb info', () => {
  for (const name of [
    'gemini_gmos_s_ltt7379_cr.fits',
    'saao_1m_ste3_a8280271_raw.fits',
    'spitzer_irac_glimpse_example.fits',
  ]) {
    it(`${name}: --json has the documented shape and numpy's statistics`, () => {
      const path = join(REAL_DIR, name);
      const r = owb('info', path, '--json');
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(report), ['file', 'hdus']);
      assert.equal(report.file, name);
      const ref = numpyStats(path);
      assert.equal(report.hdus.length, ref.length);
      report.hdus.forEach((h: Record<string, unknown>, i: number) => {
        const keys = ['index', 'kind', 'bitpix', 'naxis', 'header', 'stats'];
        const isImage = h.kind === 'image' && (h.naxis as number[]).length >= 2;
        const imageKeys = [...keys, 'time', ...(h.time === null ? ['timeNote'] : []), 'sky'];
        assert.deepEqual(Object.keys(h), isImage ? imageKeys : keys);
        assert.equal(h.index, i);
        const want = ref[i];
        if (!want) {
          assert.equal(h.stats, null);
          return;
        }
        const s = h.stats as Record<string, number>;
        assert.deepEqual(Object.keys(s), [
          'min',
          'max',
          'mean',
          'median',
          'stdev',
          'nanCount',
          'posInfCount',
          'negInfCount',
        ]);
        assert.equal(s.min, want.min);
        assert.equal(s.max, want.max);
        assert.equal(s.median, want.median);
        assert.equal(s.nanCount, want.nanCount);
        assert.ok(Math.abs(s.mean - want.mean) <= 1e-12 * Math.abs(want.mean), `mean ${s.mean} vs ${want.mean}`);
        assert.ok(Math.abs(s.stdev - want.stdev) <= 1e-10 * want.stdev, `stdev ${s.stdev} vs ${want.stdev}`);
      });
      assert.equal(report.hdus[0].header.SIMPLE, true);
    });
  }

  it('recognises gzip, tile-compressed FITS, PNG, JPEG and TIFF by content, whatever the extension', async () => {
    const fz = join(dir, 'compressed.dat');
    const gz = join(dir, 'zipped.bin');
    python(
      `import numpy as np, gzip, shutil\nfrom astropy.io import fits\nfits.CompImageHDU(np.arange(600, dtype=np.int16).reshape(20, 30), compression_type='RICE_1').writeto(${JSON.stringify(fz)})\nwith open(${JSON.stringify(join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits'))}, 'rb') as a, gzip.open(${JSON.stringify(gz)}, 'wb') as b: shutil.copyfileobj(a, b)`,
    );
    const c = JSON.parse(owb('info', fz, '--json').stdout);
    assert.deepEqual([c.hdus[1].kind, c.hdus[1].bitpix, c.hdus[1].naxis], ['image', 16, [30, 20]]);
    assert.equal(c.hdus[1].stats.median, 299.5);
    assert.equal(c.hdus[1].header.ZCMPTYPE, undefined);
    const g = JSON.parse(owb('info', gz, '--json').stdout);
    assert.deepEqual(g.hdus[0].naxis, [512, 512]);
    const rgb = Buffer.alloc(6 * 4 * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7) % 256;
    for (const [ext, make] of [
      ['png', (s: ReturnType<typeof sharp>) => s.png()],
      ['jpeg', (s: ReturnType<typeof sharp>) => s.jpeg({ quality: 100 })],
      ['tiff', (s: ReturnType<typeof sharp>) => s.tiff({ compression: 'lzw' })],
    ] as const) {
      const path = join(dir, `raster-${ext}.fits`);
      writeFileSync(path, await make(sharp(rgb, { raw: { width: 6, height: 4, channels: 3 } })).toBuffer());
      const r = JSON.parse(owb('info', path, '--json').stdout);
      assert.equal(r.hdus.length, 1);
      assert.deepEqual(
        [r.hdus[0].kind, r.hdus[0].bitpix, r.hdus[0].naxis, r.hdus[0].header.FORMAT],
        ['image', 8, [6, 4, 3], ext.toUpperCase()],
      );
    }
  });

  it('text mode prints a table and the headers', () => {
    const r = owb('info', join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /HDU\s+KIND\s+BITPIX\s+SIZE\s+MIN\s+MAX\s+MEAN\s+MEDIAN\s+STDEV\s+NaN/);
    assert.match(r.stdout, /^0\s+image\s+16\s+512×512/m);
    assert.match(r.stdout, /HDU 0 header:\n\s+SIMPLE\s+= T/);
  });

  it('bad input exits 2 with one owb: line and no stack trace; usage errors too', () => {
    const bad = join(dir, 'photo.fits');
    writeFileSync(bad, Buffer.from('SIMPLE  =                    T'.padEnd(2880, ' ')));
    for (const args of [['info', bad], ['info', join(dir, 'missing.fits')], ['info'], ['info', '--bogus', bad]]) {
      const r = owb(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^owb: /);
    }
    assert.match(owb('info', bad).stderr, /^owb: photo\.fits: header of HDU 0 has no END card/);
  });
});
