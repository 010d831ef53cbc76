/**
 * Bounded reading of gzip-compressed FITS files (`.fits.gz`). The file is never inflated as a whole:
 * a first streaming pass measures the inflated size (refusing past the limit as soon as it is passed),
 * and reads are then served by a forward cursor over a second inflate stream that keeps only a few
 * MiB of inflated bytes. Reading backwards restarts the stream, which costs time, never memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';

/** Default largest inflated size of a gzip file or compressed tile [1 GiB]. */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 ** 3;

/**
 * Largest inflated size accepted for gzip files and compressed tiles, in bytes: `OWB_MAX_INFLATE_BYTES`
 * when it is a positive number, else 1 GiB. Read at each call, so a service picks up a changed environment.
 */
export function maxInflatedBytes(): number {
  const v = Number(process.env.OWB_MAX_INFLATE_BYTES);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : DEFAULT_MAX_INFLATED_BYTES;
}

/** Inflated bytes kept behind the cursor, so that re-reading a header with a longer length does not restart. */
const KEEP_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

function limitError(name: string, limit: number, how: string): InputError {
  return new InputError(
    'FITS_TOO_LARGE',
    `${name}: gzip data inflate to ${how} bytes, past the ${limit}-byte limit (OWB_MAX_INFLATE_BYTES)`,
  );
}

function zlibError(name: string, error: unknown): InputError {
  return new InputError('FITS_BAD_COMPRESSION', `${name}: corrupt compressed data (${(error as Error).message})`);
}

/** An inflate stream of `path` as an async iterator of chunks. */
function inflateStream(path: string): { chunks: AsyncIterator<Buffer>; destroy(): void } {
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  return {
    chunks: gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    destroy: () => {
      file.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * Inflated size of the gzip file at `path` in bytes, by streaming (memory: one chunk). Throws
 * `FITS_TOO_LARGE` past `limit` bytes (first from the gzip trailer when it already says so, else as soon
 * as the stream passes the limit) and `FITS_BAD_COMPRESSION` for a corrupt stream.
 */
export async function inflatedSize(path: string, name: string, fileBytes: number, limit: number): Promise<number> {
  const stream = inflateStream(path);
  let total = 0;
  try {
    for (let chunks = 0; ; chunks++) {
      const next = await stream.chunks.next();
      if (next.done) return total;
      total += next.value.length;
      if (total > limit) throw limitError(name, limit, `more than ${limit}`);
      // Once the stream has started inflating cleanly, the trailer's ISIZE (the last member's size modulo
      // 2^32, so a lower bound of the whole) refuses a bomb without inflating it.
      if (chunks === 0 && fileBytes >= 18) {
        const isize = await trailerSize(path, fileBytes);
        if (isize > limit) throw limitError(name, limit, `at least ${isize}`);
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw zlibError(name, error);
  } finally {
    stream.destroy();
  }
}

async function trailerSize(path: string, fileBytes: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const tail = new Uint8Array(4);
    await fh.read(tail, 0, 4, fileBytes - 4);
    return new DataView(tail.buffer).getUint32(0, true);
  } finally {
    await fh.close();
  }
}

/** A forward-reading cursor over the inflated bytes of a gzip file. */
export class GzipCursor {
  private stream: ReturnType<typeof inflateStream> | null = null;
  /** Retained inflated chunks, contiguous, the first starting at `start`. */
  private kept: Buffer[] = [];
  private start = 0;
  private end = 0;

  constructor(
    private readonly path: string,
    private readonly name: string,
  ) {}

  /** Copies inflated bytes [offset, offset + length) into `into` (or a new array). */
  async read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    if (this.stream === null || offset < this.start) this.restart();
    const out = into ?? new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const at = offset + filled;
      // Chunks before this read, or far behind its progress, are not needed again.
      const dropBelow = Math.max(offset, at - KEEP_BYTES);
      while (this.kept.length > 0 && this.start + this.kept[0].length <= dropBelow) {
        this.start += this.kept[0].length;
        this.kept.shift();
      }
      if (this.kept.length === 0) this.start = this.end;
      if (at >= this.end) {
        if (!(await this.pull()))
          throw new InputError('FITS_TRUNCATED', `${this.name}: gzip data ended while reading byte ${at}`);
        continue;
      }
      let pos = this.start;
      for (const chunk of this.kept) {
        if (at < pos + chunk.length) {
          const from = at - pos;
          const take = Math.min(chunk.length - from, length - filled);
          out.set(chunk.subarray(from, from + take), filled);
          filled += take;
          break;
        }
        pos += chunk.length;
      }
    }
    this.trim(offset + length);
    return out;
  }

  /** Ends the inflate stream. */
  close(): void {
    this.stream?.destroy();
    this.stream = null;
    this.kept = [];
  }

  private restart(): void {
    this.close();
    this.stream = inflateStream(this.path);
    this.start = 0;
    this.end = 0;
  }

  /** Appends the next inflated chunk; false at the end of the stream. */
  private async pull(): Promise<boolean> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.stream!.chunks.next();
    } catch (error) {
      throw zlibError(this.name, error);
    }
    if (next.done) return false;
    this.kept.push(next.value);
    this.end += next.value.length;
    return true;
  }

  /** Keeps at most KEEP_BYTES behind `upTo`, so memory stays bounded after a large read. */
  private trim(upTo: number): void {
    while (this.kept.length > 1 && this.start + this.kept[0].length <= upTo - KEEP_BYTES) {
      this.start += this.kept[0].length;
      this.kept.shift();
    }
  }
}
