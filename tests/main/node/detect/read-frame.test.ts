import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readFrame } from '../../../../src-main/node/detect/read-frame.js';
import { writeRaster } from '../../../../src-workers/io/raster-file.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-read-frame-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pil = spawnSync('/usr/bin/python3', ['-c', 'import PIL, numpy, tifffile'], { encoding: 'utf8' });
const noPil =
  pil.status !== 0 && 'needs /usr/bin/python3 with python3-pil, python3-tifffile and python3-numpy (the oracle)';

/**
 * The oracle: Pillow (tifffile for TIFF) decodes the file and numpy applies IEC 61966-2-1's sRGB curve and Rec. 709's
 * weights (or takes the values as linear), flipping rows to FITS order. Prints the values as JSON.
 */
function oracle(path: string, transfer: 'srgb' | 'linear'): number[] {
  const script = `
import json, sys, numpy as np
if sys.argv[1].endswith('.tiff'):
    # Pillow reads 16-bit RGB as 8-bit; tifffile keeps every bit.
    import tifffile
    raw = tifffile.imread(sys.argv[1])
else:
    from PIL import Image
    raw = np.asarray(Image.open(sys.argv[1]))
a = raw.astype(np.float64)
top = 65535.0 if raw.dtype.itemsize == 2 or a.max() > 255 else 255.0
if sys.argv[2] == 'srgb':
    v = a / top
    a = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4) * top
if a.ndim == 3:
    a = 0.2126 * a[..., 0] + 0.7152 * a[..., 1] + 0.0722 * a[..., 2]
print(json.dumps(a[::-1].ravel().tolist()))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path, transfer], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[];
}

/** An uncompressed TIFF of `pattern`'s values, written by tifffile (not by us). */
function writeTiff(path: string, width: number, height: number, channels: number, top: number): void {
  const script = `
import sys, numpy as np, tifffile
w, h, c, top = (int(v) for v in sys.argv[2:6])
a = (np.arange(w * h * c, dtype=np.uint64) * 2654435761) % (top + 1)
a = a.astype(np.uint16 if top > 255 else np.uint8).reshape((h, w, c) if c > 1 else (h, w))
tifffile.imwrite(sys.argv[1], a, photometric='rgb' if c >= 3 else 'minisblack')
`;
  const args = [path, width, height, channels, top].map(String);
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function pattern(width: number, height: number, channels: number, top: number): Uint8Array | Uint16Array {
  const px = top > 255 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) % (top + 1);
  return px;
}

describe('readFrame on PNG/JPEG/TIFF: linear luminance', { skip: noPil }, () => {
  const cases: Array<[string, number, number, 'srgb' | 'linear' | undefined, 'srgb' | 'linear']> = [
    ['rgb8.png', 3, 255, undefined, 'srgb'],
    ['grey8.png', 1, 255, undefined, 'srgb'],
    ['rgba8.png', 4, 255, 'linear', 'linear'],
    ['rgb16.tiff', 3, 65535, undefined, 'linear'],
    ['grey16.png', 1, 65535, undefined, 'linear'],
    ['grey16.tiff', 1, 65535, 'srgb', 'srgb'],
  ];
  for (const [name, channels, top, transfer, expected] of cases) {
    it(`${name} (${transfer ?? 'default'} → ${expected}) agrees with Pillow + numpy to 1e-6 relative`, async () => {
      const path = join(dir, name);
      if (name.endsWith('.tiff')) writeTiff(path, 37, 23, channels, top);
      else
        await writeRaster(path, pattern(37, 23, channels, top), {
          width: 37,
          height: 23,
          channels: channels as 1 | 3 | 4,
        });
      const read = await readFrame(path, undefined, false, transfer);
      assert.deepEqual([read.image.width, read.image.height], [37, 23]);
      assert.match(read.rasterNote ?? '', expected === 'srgb' ? /sRGB decoded/ : /values taken as linear/);
      const want = oracle(path, expected);
      assert.equal(want.length, read.image.data.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++)
        worst = Math.max(worst, Math.abs(read.image.data[i] - want[i]) / Math.max(1, want[i]));
      assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
    });
  }

  it('names the file when a raster has no such HDU', async () => {
    const path = join(dir, 'grey8.png');
    await assert.rejects(readFrame(path, 1, false), /grey8\.png: a PNG image has no HDU 1/);
  });
});
