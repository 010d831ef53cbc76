/**
 * The plate solver's on-disk cache of structures derived from astrometry.net index files (the
 * declination-sorted star order of `buildConeLookup`, the quads built from a 3-star index's triangles),
 * so that a second `owb solve` process, or a watched-folder worker after a restart, reads them instead of
 * rebuilding them. One file per index file and structure, named after the index file, its size and
 * modification time and a format version, so a changed index file or a new build never reads a stale
 * entry. The folder is the workspace's `cache/plate-solve`; entries are small next to the index files
 * (index 07: 7.5 MB of star order for 140 MB of index).
 *
 * File layout: the 8 bytes `OWBSC001`, a u32 (little-endian) length of a JSON header
 * `{ arrays: [{ name, type, length }] }`, the header padded to 8 bytes, then each array's bytes
 * (little-endian, as the platform's typed arrays are on every machine Node runs on) padded to 8 bytes.
 * An unreadable or inconsistent entry is ignored and rebuilt, never trusted.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { makeDirs } from './make-dirs.js';

const MAGIC = 'OWBSC001';
/** Bump when a builder's output changes, so old entries are not read. */
export const SOLVE_CACHE_VERSION = 1;

/** Typed arrays a cache entry can hold. */
export type CachedArray = Uint32Array | Float32Array | Float64Array;
type TypeName = 'u32' | 'f32' | 'f64';

const CTORS = { u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;

function typeOf(a: CachedArray): TypeName {
  return a instanceof Uint32Array ? 'u32' : a instanceof Float32Array ? 'f32' : 'f64';
}

const pad8 = (n: number) => (n + 7) & ~7;

/** The cache file of structure `what` derived from index file `indexPath`, in `dir`. */
export function solveCachePath(dir: string, indexPath: string, what: string): string {
  const st = statSync(indexPath);
  const stem = basename(indexPath).replace(/\.fits?$/i, '');
  return join(dir, `${stem}.${st.size}.${Math.floor(st.mtimeMs)}.${what}.v${SOLVE_CACHE_VERSION}.bin`);
}

/** Reads a cache entry, or null when it is absent, unreadable or not what `expect` names. */
export function readSolveCache(path: string, expect: readonly string[]): Record<string, CachedArray> | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(path).size;
    if (size < 16 || size > 2 ** 31) return null;
    const buffer = new ArrayBuffer(size);
    const bytes = new Uint8Array(buffer);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, bytes, done, size - done, done);
      if (n === 0) return null;
      done += n;
    }
    if (Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) return null;
    const headerLength = new DataView(buffer).getUint32(8, true);
    if (16 + headerLength > size) return null;
    const header = JSON.parse(Buffer.from(bytes.subarray(16, 16 + headerLength)).toString('utf8')) as {
      arrays?: Array<{ name: string; type: TypeName; length: number }>;
    };
    const out: Record<string, CachedArray> = {};
    let offset = 16 + pad8(headerLength);
    for (const a of header.arrays ?? []) {
      const Ctor = CTORS[a.type];
      if (!Ctor || !Number.isInteger(a.length) || a.length < 0) return null;
      const byteLength = a.length * Ctor.BYTES_PER_ELEMENT;
      if (offset + byteLength > size) return null;
      out[a.name] = new Ctor(buffer, offset, a.length);
      offset += pad8(byteLength);
    }
    return expect.every((k) => k in out) ? out : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Writes a cache entry atomically (a reader sees the old entry, the new one, or none). */
export async function writeSolveCache(path: string, dir: string, arrays: Record<string, CachedArray>): Promise<void> {
  makeDirs(dir);
  const list = Object.entries(arrays).map(([name, a]) => ({ name, type: typeOf(a), length: a.length }));
  const header = Buffer.from(JSON.stringify({ arrays: list }), 'utf8');
  let total = 16 + pad8(header.length);
  for (const a of Object.values(arrays)) total += pad8(a.byteLength);
  const out = new Uint8Array(total);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 16);
  let offset = 16 + pad8(header.length);
  for (const a of Object.values(arrays)) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += pad8(a.byteLength);
  }
  await writeFileAtomic(path, out);
}

/**
 * The arrays `build()` makes for index file `indexPath` (named `names`), from the cache in `dir` when there
 * [with no `dir`, always built] and passing `valid` (an entry that does not is rebuilt and overwritten). A cache that cannot be written (read-only workspace, full disk) does not fail the
 * solve: the structure is simply built again next time.
 */
export async function cachedSolveArrays<T extends Record<string, CachedArray>>(
  dir: string | undefined,
  indexPath: string,
  what: string,
  names: readonly (keyof T & string)[],
  build: () => T,
  valid: (arrays: T) => boolean = () => true,
): Promise<{ arrays: T; fromCache: boolean }> {
  if (!dir) return { arrays: build(), fromCache: false };
  const path = solveCachePath(dir, indexPath, what);
  const hit = readSolveCache(path, names) as T | null;
  if (hit && valid(hit)) return { arrays: hit, fromCache: true };
  const arrays = build();
  await writeSolveCache(path, dir, arrays).catch(() => undefined);
  return { arrays, fromCache: false };
}
