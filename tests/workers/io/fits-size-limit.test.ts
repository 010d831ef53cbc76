// Frames too big for one read (issue 25): a complete FITS file of more than 2³² pixels used to exit 1 with
// V8's "Invalid typed array length"; it now exits 2 with one `owb:` line naming the file and the documented
// limit (MAX_IMAGE_PIXELS = 2²⁹ pixels per image), while a band of rows of the same file still reads. The
// files are sparse (header + ftruncate), so 4 GiB of zeros cost no disk; astropy confirms they are complete.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { checkImageReadSize, decodeImageHdu, MAX_IMAGE_PIXELS } from '../../../src-workers/core/fits/pixels.js';
import { parseHeaderUnit } from '../../../src-workers/core/fits/index.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { python } from '../fits-oracles.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-size-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A complete plain FITS of width × height pixels of `bitpix`, zeros, written sparse. */
function sparseFits(name: string, width: number, height: number, bitpix: number): string {
  const cards = [
    'SIMPLE  =                    T',
    `BITPIX  = ${String(bitpix).padStart(20)}`,
    'NAXIS   =                    2',
    `NAXIS1  = ${String(width).padStart(20)}`,
    `NAXIS2  = ${String(height).padStart(20)}`,
    'END',
  ];
  const header = Buffer.alloc(2880, ' ');
  cards.forEach((card, i) => header.write(card.padEnd(80), i * 80, 'latin1'));
  const dataBytes = width * height * (Math.abs(bitpix) / 8);
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, 2880 + Math.ceil(dataBytes / 2880) * 2880);
  closeSync(fd);
  return path;
}

function owb(...args: string[]): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stderr: r.stderr };
}

describe('image size limit', () => {
  const huge = sparseFits('huge.fits', 65536, 65537, 8); // 4 295 032 832 pixels > 2³²

  it('the sparse file is a complete FITS image of more than 2^32 pixels (astropy)', () => {
    const shape = python(
      `from astropy.io import fits\nimport os\nh = fits.open(${JSON.stringify(huge)}, memmap=True)[0]\nprint(h.shape[0] * h.shape[1] > 2**32, os.path.getsize(${JSON.stringify(huge)}) >= 2880 + h.size)`,
    ).trim();
    assert.equal(shape, 'True True');
  });

  for (const command of [['info'], ['detect', '--out', join(dir, 'cat.csv')]]) {
    it(`owb ${command[0]} on it exits 2 naming the file and the limit`, () => {
      const r = owb(command[0], huge, ...command.slice(1));
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0],
        /^owb: huge\.fits: image of 65536 × 65537 = 4295032832 pixels is beyond the limit of 536870912 pixels \(2\^29\)/,
      );
      assert.doesNotMatch(r.stderr, /Invalid typed array length/);
    });
  }

  it('a band of rows of the same file still reads', async () => {
    const band = await readFitsImage(huge, { rowStart: 65530, rowCount: 7 });
    assert.equal(band.image.width, 65536);
    assert.equal(band.image.height, 7);
    assert.equal(band.image.data.length, 65536 * 7);
    assert.equal(band.image.data[65536 * 7 - 1], 0);
  });

  it('the in-memory decoder refuses before allocating, at exactly one pixel past the limit', () => {
    assert.equal(MAX_IMAGE_PIXELS, 2 ** 29);
    assert.doesNotThrow(() => checkImageReadSize(2 ** 15, 2 ** 14, 'a.fits'));
    assert.throws(() => checkImageReadSize(2 ** 29 + 1, 1, 'a.fits'), /a\.fits: .* beyond the limit of 536870912/);
    // More than 2³² pixels, so a decoder without the check fails inside V8 instead of allocating 2 GiB here.
    const header = Buffer.alloc(2880, ' ');
    const cards = [
      'SIMPLE  =                    T',
      'BITPIX  =                  -32',
      'NAXIS   =                    2',
    ];
    cards.push('NAXIS1  =                65536', 'NAXIS2  =                65537', 'END');
    cards.forEach((c, i) => header.write(c.padEnd(80), i * 80, 'latin1'));
    const unit = parseHeaderUnit(new Uint8Array(header), 0, 'big.fits', () => undefined);
    assert.ok(unit);
    const hdu = {
      index: 0,
      kind: 'image',
      header: unit.header,
      bitpix: -32,
      naxis: [65536, 65537],
      data: new Uint8Array(16),
    } as unknown as Parameters<typeof decodeImageHdu>[0];
    assert.throws(
      () => decodeImageHdu(hdu, { fileName: 'big.fits' }),
      (e: Error & { code?: string }) =>
        e.code === 'FITS_TOO_LARGE' && /big\.fits: image of 65536 × 65537 = 4295032832 pixels/.test(e.message),
    );
  });
});
