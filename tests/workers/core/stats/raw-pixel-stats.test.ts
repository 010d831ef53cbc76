// Statistics straight from big-endian FITS bytes (RawPixelStats) against numpy on astropy-style physical
// values (stored × BSCALE + BZERO as float32 for BITPIX 8/16/−32, BLANK → NaN): min, max and median exact,
// mean within 1e-12 relative and stdev within 1e-10 (numpy sums pairwise). Data are fed in uneven chunks,
// as the file reader does, with NaN, ±Inf, negative values, ties and both odd and even counts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PixelScaling } from '../../../../src-workers/core/fits/pixels.js';
import { RawPixelStats, rawStatsSupported } from '../../../../src-workers/core/stats/raw-pixel-stats.js';
import type { StreamedStats } from '../../../../src-workers/core/stats/streaming.js';
import { python } from '../../fits-oracles.js';
import { mulberry32 as rng } from '../../../seeded-uniform.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-raw-stats-'));

function run(bytes: Uint8Array, bitpix: number, scaling: PixelScaling, chunkPixels: number): StreamedStats {
  const s = new RawPixelStats(bitpix, scaling);
  const per = Math.abs(bitpix) / 8;
  do {
    for (let at = 0; at < bytes.length; at += chunkPixels * per) {
      // A fresh copy per pass, as a read into the reader's buffer gives (add may swap in place).
      s.add(bytes.slice(at, Math.min(bytes.length, at + chunkPixels * per)));
    }
  } while (s.endPass());
  return s.result();
}

function numpy(bytes: Uint8Array, dtype: string, scaling: PixelScaling): Record<string, number | null> {
  const path = join(dir, 'data.raw');
  writeFileSync(path, bytes);
  const blank = scaling.blank === undefined ? 'None' : String(scaling.blank);
  return JSON.parse(
    python(
      `import json, numpy as np\nr = np.fromfile(${JSON.stringify(path)}, dtype='${dtype}')\n` +
        `x = (r.astype(np.float64) * ${scaling.bscale} + ${scaling.bzero}).astype(np.float32).astype(np.float64)\n` +
        `if ${blank} is not None: x[r == ${blank}] = np.nan\n` +
        `g = x[np.isfinite(x)]\n` +
        `f = lambda v: None if not g.size else float(v)\n` +
        `print(json.dumps(dict(count=int(g.size), nan=int(np.isnan(x).sum()), pinf=int((x == np.inf).sum()), ninf=int((x == -np.inf).sum()),` +
        ` min=f(g.min() if g.size else 0), max=f(g.max() if g.size else 0), mean=f(g.mean() if g.size else 0), median=f(np.median(g) if g.size else 0), std=f(g.std() if g.size else 0))))`,
    ),
  );
}

function check(got: StreamedStats, want: Record<string, number | null>, label: string): void {
  assert.equal(got.count, want.count, `${label}: count`);
  assert.equal(got.nanCount, want.nan, `${label}: NaN`);
  assert.equal(got.posInfCount, want.pinf, `${label}: +Inf`);
  assert.equal(got.negInfCount, want.ninf, `${label}: −Inf`);
  if (want.count === 0) {
    assert.ok(Number.isNaN(got.median) && Number.isNaN(got.mean), `${label}: empty → NaN`);
    return;
  }
  assert.equal(got.min, want.min, `${label}: min`);
  assert.equal(got.max, want.max, `${label}: max`);
  assert.equal(got.median, want.median, `${label}: median`);
  const mean = want.mean as number;
  const std = want.std as number;
  assert.ok(Math.abs(got.mean - mean) <= 1e-12 * Math.abs(mean), `${label}: mean ${got.mean} vs ${mean}`);
  assert.ok(Math.abs(got.stdev - std) <= 1e-10 * std + 1e-300, `${label}: stdev ${got.stdev} vs ${std}`);
}

function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setFloat32(4 * i, v, false));
  return out;
}

describe('RawPixelStats', () => {
  it('BITPIX −32: numpy figures with NaN, ±Inf, negatives and ties, odd and even counts, any chunking', () => {
    const r = rng(7);
    for (const n of [1, 2, 7, 1000, 300_001, 300_002]) {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = r() < 0.1 ? Math.round(r() * 5) : (r() - 0.3) * 1e4 + (i % 3) * 1e-3;
      if (n > 10) {
        v[3] = NaN;
        v[5] = Infinity;
        v[8] = -Infinity;
        v[9] = -0;
      }
      const bytes = float32Bytes(v);
      const want = numpy(bytes, '>f4', { bscale: 1, bzero: 0 });
      for (const chunk of [1, 999, 1 << 20])
        check(run(bytes, -32, { bscale: 1, bzero: 0 }, chunk), want, `n ${n} chunk ${chunk}`);
    }
  });

  it('BITPIX −32: two middle values in different top-16-bit buckets, and all values non-finite', () => {
    const v = new Float32Array([1, 1e30, -1e-30, 65536, 2, NaN]);
    const bytes = float32Bytes(v);
    check(run(bytes, -32, { bscale: 1, bzero: 0 }, 4), numpy(bytes, '>f4', { bscale: 1, bzero: 0 }), 'spread');
    const none = float32Bytes(new Float32Array([NaN, Infinity, -Infinity]));
    check(run(none, -32, { bscale: 1, bzero: 0 }, 2), numpy(none, '>f4', { bscale: 1, bzero: 0 }), 'none');
  });

  it('BITPIX 16 with BZERO, negative BSCALE and BLANK; BITPIX 8 with BSCALE', () => {
    const r = rng(11);
    const n = 200_001;
    const i16 = new Uint8Array(2 * n);
    const dv = new DataView(i16.buffer);
    for (let i = 0; i < n; i++) dv.setInt16(2 * i, Math.floor((r() - 0.5) * 6000 + (r() < 0.01 ? 30000 : 0)), false);
    dv.setInt16(0, -32768, false);
    dv.setInt16(2, 32767, false);
    for (const scaling of [
      { bscale: 1, bzero: 32768 },
      { bscale: -0.37, bzero: 12.5, blank: -32768 },
      { bscale: 1, bzero: 0, blank: 17 },
    ]) {
      check(run(i16, 16, scaling, 4097), numpy(i16, '>i2', scaling), `int16 ${JSON.stringify(scaling)}`);
    }
    const u8 = new Uint8Array(1001);
    for (let i = 0; i < u8.length; i++) u8[i] = Math.floor(r() * 256);
    const s8 = { bscale: 2.5, bzero: -3, blank: 0 };
    check(run(u8, 8, s8, 100), numpy(u8, 'u1', s8), 'uint8');
  });

  it('refuses what it does not handle, so the caller falls back to StreamingStats', () => {
    assert.equal(rawStatsSupported(-32, { bscale: 2, bzero: 0 }), false);
    assert.equal(rawStatsSupported(32, { bscale: 1, bzero: 0 }), false);
    assert.equal(rawStatsSupported(-64, { bscale: 1, bzero: 0 }), false);
    assert.equal(rawStatsSupported(16, { bscale: 3, bzero: 1 }), true);
    assert.throws(() => new RawPixelStats(-64, { bscale: 1, bzero: 0 }), RangeError);
  });
});
