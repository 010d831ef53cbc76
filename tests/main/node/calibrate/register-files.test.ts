import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { transformDistanceRms, type Affine } from '../../../../src-workers/core/register/index.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { aboutCentre, render, scene } from '../../../workers/core/register/synthetic.js';

const W = 256;
const H = 200;

describe('owb register on a batch with a corrupt, a wrong-size and a star-less frame', () => {
  let dir: string;
  const truths: Affine[] = [
    aboutCentre(W, H, 0, 0, 0),
    aboutCentre(W, H, 4.21, -3.07, 0.3),
    aboutCentre(W, H, -6.6, 2.45, -0.45),
  ];
  const files: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-register-'));
    const sc = scene(12, W, H, 120);
    for (let k = 0; k < truths.length; k++) {
      const p = join(dir, `light_${k}.fits`);
      await writeFitsImage(p, render(sc, truths[k], W, H, 100 + k), {
        header: { IMAGETYP: 'Light Frame', EXPTIME: 60 },
      });
      files.push(p);
    }
    const corrupt = join(dir, 'corrupt.fits');
    writeFileSync(
      corrupt,
      Buffer.from(
        'SIMPLE  =                    T / truncated file'.padEnd(80) + 'BITPIX  =                  -32'.padEnd(80),
      ),
    );
    const small = join(dir, 'small.fits');
    await writeFitsImage(small, render(sc, truths[0], 128, 100, 7), {});
    const rng = createRng(3);
    const empty = join(dir, 'empty.fits');
    await writeFitsImage(
      empty,
      { width: W, height: H, data: Float32Array.from({ length: W * H }, () => 100 + 5 * rng.normal()) },
      {},
    );
    files.splice(1, 0, corrupt, small, empty);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('registers the good frames within 0.05 px, skips the others with reasons, and writes transforms.json as specified', async () => {
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'register', ...files, '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 of 6 frames registered/);
    const json = JSON.parse(readFileSync(join(out, 'transforms.json'), 'utf8')) as {
      reference: string;
      transforms: Array<Record<string, unknown>>;
    };
    assert.equal(json.reference, files[0]);
    assert.equal(json.transforms.length, 6);
    const byFile = new Map(json.transforms.map((t) => [t.file as string, t]));
    assert.match(String(byFile.get(files[1])?.skipped), /corrupt\.fits/);
    assert.match(
      String(byFile.get(files[2])?.skipped),
      /small\.fits: size 128×100 differs from the reference \(256×200\)/,
    );
    assert.match(String(byFile.get(files[3])?.skipped), /empty\.fits: too few stars \(0 found/);
    for (const [k, file] of [files[0], files[4], files[5]].entries()) {
      const e = byFile.get(file) as {
        matrix: number[][];
        dx: number;
        dy: number;
        rotation_deg: number;
        scale: number;
        matched: number;
        rms_px: number;
      };
      const [[a, b, tx], [c, d, ty]] = e.matrix;
      const err = transformDistanceRms({ a, b, tx, c, d, ty }, truths[k], W, H);
      assert.ok(err < 0.05, `${file}: error ${err} px`);
      assert.equal(e.dx, tx);
      assert.equal(e.dy, ty);
      assert.ok(Math.abs(e.rotation_deg - [0, 0.3, -0.45][k]) < 0.01, `rotation ${e.rotation_deg}`);
      assert.ok(Math.abs(e.scale - 1) < 1e-3);
      assert.ok(e.matched >= 20);
    }
    // The registered frame lines up with the reference: their difference is noise, not stars.
    const ref = (await readFitsImage(join(out, 'light_0.fits'))).image;
    const reg = (await readFitsImage(join(out, 'light_2.fits'))).image;
    let ss = 0;
    let n = 0;
    for (let i = 0; i < ref.data.length; i++) {
      const dv = reg.data[i] - ref.data[i];
      if (Number.isFinite(dv)) {
        ss += dv * dv;
        n++;
      }
    }
    // Two frames with 5 ADU noise: the difference has ~7 ADU rms; a misregistration leaves star residuals of hundreds.
    assert.ok(Math.sqrt(ss / n) < 12, `difference rms ${Math.sqrt(ss / n)}`);
  });
});
