// Serving pixels to many clients: `FrameImageCache.binned` computes each (frame, binning) block average
// once and gives every concurrent caller the same values as `binImage` (checked against numpy's block
// mean, NaN ignored); `encodeBinaryParts` concatenates to exactly `encodeBinary`'s bytes, with the pixel
// part a view of the frame (not a copy), and decodes back to the values.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBinary, encodeBinary, encodeBinaryParts } from '../../../../src-main/common/wire-codec.js';
import { binImage, binImageYielding, FrameImageCache } from '../../../../src-main/node/api/frame-images.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { python } from '../../../workers/fits-oracles.js';

const W = 203;
const H = 150;

describe('binned pixels for many clients', () => {
  let dir: string;
  let path: string;
  let data: Float32Array;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-pixels-cache-'));
    data = new Float32Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 7 + (i % 211 === 0 ? NaN : 0);
    path = join(dir, 'frame.fits');
    await writeFitsImage(path, { width: W, height: H, data });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shares one block average among concurrent callers, equal to numpy nanmean of the blocks', async () => {
    const cache = new FrameImageCache(2);
    const replies = await Promise.all(Array.from({ length: 50 }, () => cache.binned(path, 4)));
    for (const r of replies) assert.equal(r, replies[0], 'one computation, one result object');
    const { image } = await cache.get(path);
    assert.deepEqual(replies[0], binImage(image, 4));
    assert.equal((await cache.binned(path, 1)).data, image.data, 'binning 1 is the cached frame itself');
    writeFileSync(join(dir, 'binned.f32'), replies[0].data);
    const differ = python(
      `import warnings, numpy as np\nfrom astropy.io import fits\nwarnings.simplefilter('ignore')\n` +
        `d = fits.getdata('${path}').astype(np.float64)\n` +
        `h, w = ${H} // 4, ${W} // 4\n` +
        `ref = np.nanmean(d[:h * 4, :w * 4].reshape(h, 4, w, 4), axis=(1, 3))\n` +
        `got = np.fromfile('${dir}/binned.f32', dtype='<f4').reshape(h, w)\n` +
        `print(int((np.abs(got - ref) > 1e-5 * np.abs(ref) + 1e-6).sum()))`,
    );
    assert.equal(Number(differ), 0);
  });

  it('binImage and binImageYielding equal a plain raster walk into a float32 accumulator, any binning', async () => {
    // The block average as first written: walk the pixels in raster order, add into float32 sums.
    const reference = (w: number, h: number, src: Float32Array, b: number): Float32Array => {
      const ow = Math.max(1, Math.floor(w / b));
      const oh = Math.max(1, Math.floor(h / b));
      const sums = new Float32Array(ow * oh);
      const counts = new Uint16Array(ow * oh);
      for (let y = 0; y < oh * b; y++) {
        for (let x = 0; x < ow * b; x++) {
          const v = src[y * w + x];
          if (v === v) {
            sums[Math.floor(y / b) * ow + Math.floor(x / b)] += v;
            counts[Math.floor(y / b) * ow + Math.floor(x / b)]++;
          }
        }
      }
      return sums.map((s, i) => (counts[i] ? s / counts[i] : NaN));
    };
    // 3000 × 700: several yielding slices for small binnings.
    const w = 3000;
    const h = 700;
    const src = new Float32Array(w * h);
    for (let i = 0; i < src.length; i++) src[i] = i % 997 === 0 ? NaN : 1000 + ((i * 2654435761) % 65536) / 3.7;
    const image = { width: w, height: h, data: src };
    for (const b of [2, 3, 4, 7, 64]) {
      const want = reference(w, h, src, b);
      assert.deepEqual(binImage(image, b).data, want, `binning ${b}`);
      assert.deepEqual((await binImageYielding(image, b)).data, want, `binning ${b}, yielding`);
    }
  });

  it('drops the binned copies with their frame', async () => {
    const cache = new FrameImageCache(1);
    const first = await cache.binned(path, 2);
    const other = join(dir, 'other.fits');
    await writeFitsImage(other, { width: 8, height: 8, data: new Float32Array(64) });
    await cache.binned(other, 2);
    const again = await cache.binned(path, 2);
    assert.notEqual(again, first, 'recomputed after the frame left the cache');
    assert.deepEqual(again, first);
  });

  it('sends the message in parts that concatenate to encodeBinary, pixels as a view', () => {
    for (const pixels of [data, data.subarray(1), new Float32Array([1, 2, 3])]) {
      const value = { ok: true, value: { width: 3, data: pixels, flags: new Int32Array([7, 8, 9]), name: 'é' } };
      const parts = encodeBinaryParts(value);
      const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.byteLength;
      }
      assert.deepEqual(joined, encodeBinary(value));
      assert.ok(
        parts.some((p) => p.buffer === pixels.buffer && p.byteOffset === pixels.byteOffset),
        'the pixel part is a view of the array',
      );
      const back = decodeBinary(joined) as typeof value;
      assert.deepEqual([...back.value.data].map(String), [...pixels].map(String));
      assert.deepEqual([...back.value.flags], [7, 8, 9]);
    }
  });
});
