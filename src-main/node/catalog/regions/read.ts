/** Reads a DS9 or CRTF region file from disk, telling the two apart by CRTF's `#CRTF` first line. */
import { readFile } from 'node:fs/promises';
import { parseCrtfRegions } from './parse-crtf.js';
import { parseDs9Regions } from './parse-ds9.js';
import type { RegionFile } from './shapes.js';

/** Region files are small; a larger file is not one. */
const MAX_BYTES = 16 * 2 ** 20;

/** The regions of `path`; a RangeError names the file (and line) when it cannot be read as regions. */
export async function readRegionFile(path: string): Promise<RegionFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RangeError(`${path}: ${code === 'ENOENT' ? 'no such region file' : (e as Error).message}`, {
      cause: e,
    });
  }
  if (bytes.length > MAX_BYTES) throw new RangeError(`${path}: ${bytes.length} bytes is too large for a region file`);
  if (bytes.includes(0)) throw new RangeError(`${path}: binary data, not a DS9 or CRTF region file`);
  const text = bytes.toString('utf8');
  const parsed = /^\s*#CRTF/.test(text) ? parseCrtfRegions(text, path) : parseDs9Regions(text, path);
  if (parsed.regions.length === 0)
    throw new RangeError(
      `${path}: no circle, ellipse, box, polygon or annulus regions (${parsed.skipped} annotations)`,
    );
  return parsed;
}
