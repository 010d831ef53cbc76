import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
// From parse.js itself, not the index: a generator run need not load the tables and compressions.
import { dataLayout, parseHeaderUnit } from '../../../src-workers/core/fits/parse.js';
import type { ImageFormat } from '../../../src-workers/core/synth/config.js';

const BLOCK = 2880;

const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * A cheap completeness check of an image file, reading only its first and last bytes: PNG signature and
 * final IEND chunk; JPEG SOI and EOI markers; FITS `SIMPLE` card and a size in whole 2880-byte blocks.
 * Returns `undefined` when the file looks whole, else the problem.
 */
export function quickCheckImage(path: string, format: ImageFormat): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return `cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return 'not a regular file';
    const size = stat.size;
    if (size < 16) return `only ${size} bytes`;
    const head = Buffer.alloc(16);
    const tail = Buffer.alloc(12);
    readSync(fd, head, 0, 16, 0);
    readSync(fd, tail, 0, 12, size - 12);
    if (format === 'PNG') {
      if (head.readUInt32BE(0) !== 0x89504e47) return 'not a PNG file';
      if (!PNG_IEND.every((b, i) => tail[i] === b)) return 'PNG is truncated (no IEND chunk at the end)';
    } else if (format === 'JPEG') {
      if (head[0] !== 0xff || head[1] !== 0xd8) return 'not a JPEG file';
      if (tail[10] !== 0xff || tail[11] !== 0xd9) return 'JPEG is truncated (no EOI marker)';
    } else {
      if (head.toString('latin1', 0, 9) !== 'SIMPLE  =') return 'not a FITS file';
      if (size % BLOCK !== 0) return `FITS size ${size} is not a whole number of ${BLOCK}-byte blocks`;
      // A file cut off after whole blocks (say, after its header) passes the size test: check that the
      // primary data unit the header announces is all there.
      const needed = primaryHduBytes(fd, path, size);
      if (typeof needed === 'string') return needed;
      if (size < needed) return `FITS is truncated (${size} bytes, its header announces ${needed})`;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Bytes of the primary HDU (header and data, in whole blocks) as its header announces them. */
function primaryHduBytes(fd: number, path: string, size: number): number | string {
  // Headers of a few hundred cards at most here; a file without END is not read to its end.
  const head = Buffer.alloc(Math.min(size, 100 * BLOCK));
  readSync(fd, head, 0, head.length, 0);
  try {
    const unit = parseHeaderUnit(head, 0, path, () => {});
    if (!unit) return 'FITS header has no END card';
    const { dataBytes } = dataLayout(unit.header, true, path);
    return unit.headerBytes + Math.ceil(dataBytes / BLOCK) * BLOCK;
  } catch (error) {
    return (error as Error).message;
  }
}
