// Hostile and broken inputs: each is refused with one InputError whose message names the file and the
// problem (messages pinned here), before any allocation the file cannot back.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { InputError } from '../../../src-workers/core/errors.js';
import { readFitsHeader, readFitsImage, readFitsStructure, inflateBytes } from '../../../src-workers/io/fits-file.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-fits-hostile-'));

function card(text: string): string {
  return text.padEnd(80).slice(0, 80);
}

function header(cards: string[], end = true): Buffer {
  const text = cards.map(card).join('') + (end ? card('END') : '');
  const size = Math.ceil(text.length / 2880) * 2880;
  return Buffer.from(text.padEnd(size, ' '), 'latin1');
}

const value = (key: string, v: string | number): string => `${key.padEnd(8)}= ${String(v).padStart(20)}`;
const simple = (bitpix: number | string, ...axes: Array<number | string>): string[] => [
  value('SIMPLE', 'T'),
  value('BITPIX', bitpix),
  value('NAXIS', axes.length),
  ...axes.map((n, i) => value(`NAXIS${i + 1}`, n)),
];

async function cases(): Promise<Array<[string, Buffer, RegExp]>> {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  return [
    ['empty.fits', Buffer.alloc(0), /^empty\.fits: file is empty \(0 bytes\)$/],
    [
      'truncated.fits',
      Buffer.concat([header(simple(-32, 100, 100)), Buffer.alloc(2880)]),
      /^truncated\.fits: HDU 0 is truncated: header promises 40000 data bytes but only 2880 remain$/,
    ],
    [
      'no-end.fits',
      header(simple(-32, 10, 10), false),
      /^no-end\.fits: header of HDU 0 has no END card \(file ends first\)$/,
    ],
    [
      'short.fits',
      Buffer.from('SIMPLE  =                    T'),
      /^short\.fits: file is shorter than one FITS block \(30 bytes\)$/,
    ],
    [
      'bitpix.fits',
      Buffer.concat([header(simple(12, 10, 10)), Buffer.alloc(2880)]),
      /^bitpix\.fits: invalid BITPIX 12 \(expected 8, 16, 32, 64, -32 or -64\)$/,
    ],
    [
      'negative.fits',
      header(simple(16, -5, 10)),
      /^negative\.fits: invalid NAXIS1 -5 \(must be a non-negative integer\)$/,
    ],
    [
      'huge.fits',
      header(simple(8, 1000000, 1000000)),
      /^huge\.fits: HDU 0 is truncated: header promises 1000000000000 data bytes but only 0 remain$/,
    ],
    [
      'overflow.fits',
      header(simple(-64, 2147483647, 2147483647, 2147483647)),
      /^overflow\.fits: header claims an impossible data size/,
    ],
    ['fraction.fits', header(simple(16, 10.5, 10)), /^fraction\.fits: invalid NAXIS1 10\.5/],
    [
      'simple-f.fits',
      Buffer.concat([header([value('SIMPLE', 'F'), ...simple(16, 10, 10).slice(1)]), Buffer.alloc(2880)]),
      /^simple-f\.fits: SIMPLE = F: the file declares that it does not conform to the FITS standard$/,
    ],
    [
      'dup-naxis.fits',
      Buffer.concat([header([...simple(16, 10, 10), value('NAXIS1', 20)]), Buffer.alloc(2880)]),
      /^dup-naxis\.fits: conflicting duplicate NAXIS1 cards \(10 and 20\)$/,
    ],
    [
      'dup-bitpix-ext.fits',
      Buffer.concat([
        header(simple(8, 0)),
        header([
          value('XTENSION', "'IMAGE   '"),
          value('BITPIX', 16),
          value('NAXIS', 2),
          value('NAXIS1', 10),
          value('NAXIS2', 10),
          value('BITPIX', -32),
          value('PCOUNT', 0),
          value('GCOUNT', 1),
        ]),
        Buffer.alloc(2880),
      ]),
      /^dup-bitpix-ext\.fits: conflicting duplicate BITPIX cards \(16 and -32\)$/,
    ],
    ['renamed-png.fits', png, /^renamed-png\.fits: not a FITS file \(it is a PNG image\)$/],
    ['renamed-jpeg.fits', jpeg, /^renamed-jpeg\.fits: not a FITS file \(it is a JPEG image\)$/],
    [
      'text.fits',
      Buffer.from('hello world, this is not FITS\n'.repeat(200)),
      /^text\.fits: not a FITS file \(does not start with SIMPLE\)$/,
    ],
    [
      'bad-ext.fits',
      Buffer.concat([
        header(simple(8, 0)),
        header([
          value('XTENSION', "'IMAGE   '"),
          value('BITPIX', -32),
          value('NAXIS', 2),
          value('NAXIS1', 50),
          value('NAXIS2', 50),
          value('PCOUNT', 0),
          value('GCOUNT', 1),
        ]),
      ]),
      /^bad-ext\.fits: HDU 1 is truncated: header promises 10000 data bytes but only 0 remain$/,
    ],
    [
      'gz-truncated.fits.gz',
      gzipSync(Buffer.concat([header(simple(-32, 100, 100)), Buffer.alloc(2880)])),
      /^gz-truncated\.fits\.gz: HDU 0 is truncated/,
    ],
    [
      'gz-corrupt.fits.gz',
      Buffer.concat([gzipSync(Buffer.alloc(5000)).subarray(0, 20), Buffer.alloc(20, 0xff)]),
      /^gz-corrupt\.fits\.gz: corrupt compressed data/,
    ],
  ];
}

describe('hostile FITS input', async () => {
  for (const [name, bytes, message] of await cases()) {
    it(`${name} is refused with a message naming the file`, async () => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const before = process.memoryUsage().arrayBuffers;
      const readers: Array<() => Promise<unknown>> = [() => readFitsImage(path), () => readFitsStructure(path)];
      // A header-only read of HDU 0 need not look at a broken later extension.
      if (name !== 'bad-ext.fits' && name !== 'dup-bitpix-ext.fits') readers.push(() => readFitsHeader(path));
      for (const read of readers) {
        await assert.rejects(read(), (error: unknown) => {
          assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
          assert.match(error.message, message);
          return true;
        });
      }
      // Nothing near what the header claims was allocated.
      assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
    });
  }

  it('a gzip stream that inflates past the limit is refused', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    assert.throws(() => inflateBytes(bomb, 1024 * 1024), /inflates past the 1048576-byte limit/);
  });
});
