import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import type { ImageFormat } from '../../../src-workers/core/synth/config.js';

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
      if (size % 2880 !== 0) return `FITS size ${size} is not a whole number of 2880-byte blocks`;
      // A file cut off after whole blocks (say, after its header) passes the size test: check that the
      // primary data unit the header announces is all there.
      const needed = primaryHduBytes(fd, size);
      if (typeof needed === 'string') return needed;
      if (size < needed) return `FITS is truncated (${size} bytes, its header announces ${needed})`;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Bytes of the primary HDU (header and data, in whole blocks) as its header announces them. */
function primaryHduBytes(fd: number, size: number): number | string {
  const block = Buffer.alloc(2880);
  const cards = new Map<string, number>();
  // Headers of a few hundred cards at most here; a file without END is not read to its end.
  for (let at = 0; at < Math.min(size, 100 * 2880); at += 2880) {
    readSync(fd, block, 0, 2880, at);
    for (let c = 0; c < 2880; c += 80) {
      const key = block.toString('latin1', c, c + 8).trimEnd();
      if (key === 'END') {
        const bitpix = cards.get('BITPIX');
        const naxis = cards.get('NAXIS');
        if (bitpix === undefined || naxis === undefined) return 'FITS header lacks BITPIX or NAXIS';
        let data = naxis > 0 ? Math.abs(bitpix) / 8 : 0;
        for (let k = 1; k <= naxis; k++) data *= cards.get(`NAXIS${k}`) ?? 0;
        return at + 2880 + Math.ceil(data / 2880) * 2880;
      }
      if (/^(BITPIX|NAXIS\d*)$/.test(key) && block.toString('latin1', c + 8, c + 10) === '= ')
        cards.set(key, Number.parseInt(block.toString('latin1', c + 10, c + 30), 10));
    }
  }
  return 'FITS header has no END card';
}

/**
 * Writes a small file through a temporary file and a rename (never half-written), without fsync: an
 * fsync after thousands of fresh images would wait for the whole write-back (seconds) and a resumed run
 * re-verifies everything anyway.
 */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** `writeTextAtomic` for bytes (FITS frames and stamps of the injection mode). */
export function writeBytesAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}
