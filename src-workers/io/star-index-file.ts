/**
 * Reads astrometry.net index files (Debian's `astrometry-data-tycho2-*` packages, and the user-downloaded
 * 4100/5200 series) with our own FITS structure reader. The kd-tree tables are raw byte columns in the
 * writer's byte order (the `ENDIAN` card: '04:03:02:01' = little-endian); tag-along tables such as
 * `MAG_VT` are ordinary big-endian FITS columns. Tables are found by their TTYPE1, as the files carry no
 * EXTNAME.
 *
 * Layout (libkd, astrometry.net 0.75): `kdtree_data_stars` holds KDT_NDIM=3 values per star of type
 * KDT_DATA (u32, u16 or double); integer data map to unit-vector components as
 * `low[d] + value / scale` with low/high/scale from `kdtree_range_stars` (2·ndim + 1 doubles). The quads
 * table holds DIMQUADS u32 star numbers per quad, and `kdtree_data_codes` the codes in the same scheme.
 */
import { open } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { decodeTable } from '../core/fits/table.js';
import type { FitsHdu } from '../core/fits/index.js';
import type { StarIndex } from '../core/astrometry/star-index.js';
import { readFitsStructure } from './fits-file.js';

/** What to read from an index file. */
export interface StarIndexReadOptions {
  /** Read the quads and codes [true]; stars and magnitudes are always read. */
  quads?: boolean;
}

/** Header facts of an index file, read without its data. */
export interface StarIndexInfo {
  path: string;
  indexId: number;
  scaleLowRad: number;
  scaleHighRad: number;
  starCount: number;
  quadCount: number;
}

function fail(name: string, problem: string): never {
  throw new InputError('INDEX_BAD', `${name}: ${problem}`);
}

function tableNamed(hdus: FitsHdu[], ttype: string): FitsHdu | undefined {
  return hdus.find((h) => h.kind === 'bintable' && String(h.header.get('TTYPE1') ?? '').trim() === ttype);
}

async function readBytes(path: string, hdu: FitsHdu): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const out = new Uint8Array(hdu.dataBytes);
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await fh.read(out, done, out.length - done, hdu.dataOffset + done);
      if (bytesRead === 0) fail(basename(path), `table ${String(hdu.header.get('TTYPE1'))} is truncated`);
      done += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

const TYPE_BYTES: Record<string, number> = { u32: 4, u16: 2, double: 8 };

/** Decodes a raw kd-tree data table into doubles (ndim per point) using the range table when integer. */
function decodeKdData(
  name: string,
  what: string,
  data: Uint8Array,
  count: number,
  ndim: number,
  type: string,
  littleEndian: boolean,
  range: Float64Array | null,
): Float64Array {
  const size = TYPE_BYTES[type];
  if (!size) fail(name, `kd-tree '${what}' has unsupported data type '${type}'`);
  if (data.length < count * ndim * size) fail(name, `kd-tree '${what}' holds fewer than ${count} points`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(count * ndim);
  if (type === 'double') {
    for (let k = 0; k < out.length; k++) out[k] = view.getFloat64(8 * k, littleEndian);
    return out;
  }
  if (!range || range.length < 2 * ndim + 1) fail(name, `kd-tree '${what}' has integer data but no range table`);
  const scale = range[2 * ndim];
  if (!(scale > 0) || !Number.isFinite(scale)) fail(name, `kd-tree '${what}' has a bad range scale ${scale}`);
  const inv = 1 / scale;
  for (let k = 0; k < out.length; k++) {
    const raw = size === 4 ? view.getUint32(4 * k, littleEndian) : view.getUint16(2 * k, littleEndian);
    out[k] = range[k % ndim] + raw * inv;
  }
  return out;
}

function doubles(data: Uint8Array, littleEndian: boolean): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(Math.floor(data.length / 8));
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat64(8 * k, littleEndian);
  return out;
}

function littleEndianOf(name: string, ...cards: unknown[]): boolean {
  const card = cards.find((c) => typeof c === 'string');
  if (card === undefined) return true; // Files written before the ENDIAN card were little-endian PCs.
  const v = String(card).trim();
  if (v === '04:03:02:01') return true;
  if (v === '01:02:03:04') return false;
  return fail(name, `unknown ENDIAN card '${v}'`);
}

/** Reads the primary header facts of an index file (INDEXID, SCALE_L/U, NSTARS, NQUADS). */
export async function readStarIndexInfo(path: string): Promise<StarIndexInfo> {
  const name = basename(path);
  const { hdus } = await readFitsStructure(path);
  const h = hdus[0].header;
  if (String(h.get('AN_FILE') ?? '').trim() !== 'QUAD' && !tableNamed(hdus, 'kdtree_data_stars'))
    fail(name, 'is not an astrometry.net index file (no AN_FILE = QUAD card, no kdtree_data_stars table)');
  const num = (k: string): number => {
    const v = h.getNumber(k);
    if (v === undefined || !Number.isFinite(v)) fail(name, `primary header has no numeric ${k}`);
    return v;
  };
  return {
    path,
    indexId: num('INDEXID'),
    scaleLowRad: num('SCALE_L'),
    scaleHighRad: num('SCALE_U'),
    starCount: num('NSTARS'),
    quadCount: num('NQUADS'),
  };
}

/**
 * Reads an index file into a `StarIndex`: star unit vectors, magnitudes (`MAG_VT`, else the first tag-along
 * column whose name starts with MAG), a colour where the tag-along tables allow one (MAG_BT − MAG_VT, else
 * a BP − RP magnitude pair), and unless `quads: false` the quads and codes.
 */
export async function readStarIndex(path: string, options: StarIndexReadOptions = {}): Promise<StarIndex> {
  const name = basename(path);
  const info = await readStarIndexInfo(path);
  const { hdus } = await readFitsStructure(path);
  const primary = hdus[0].header;

  const starHeader = tableNamed(hdus, 'kdtree_header_stars');
  const starData = tableNamed(hdus, 'kdtree_data_stars');
  if (!starHeader || !starData) fail(name, 'has no kdtree_header_stars / kdtree_data_stars tables');
  const sh = starHeader.header;
  const ndim = sh.getNumber('KDT_NDIM') ?? 3;
  const nStars = sh.getNumber('KDT_NDAT') ?? info.starCount;
  if (ndim !== 3) fail(name, `star kd-tree has ${ndim} dimensions, expected 3`);
  if (!(nStars > 0) || nStars !== info.starCount)
    fail(name, `star kd-tree holds ${nStars} stars but NSTARS = ${info.starCount}`);
  const little = littleEndianOf(name, sh.get('ENDIAN'), primary.get('ENDIAN'));
  const starRange = tableNamed(hdus, 'kdtree_range_stars');
  const xyz = decodeKdData(
    name,
    'stars',
    await readBytes(path, starData),
    nStars,
    3,
    String(sh.get('KDT_DATA') ?? 'double').trim(),
    little,
    starRange ? doubles(await readBytes(path, starRange), little) : null,
  );
  // Re-normalise: the u32 quantisation leaves |v| within ~1e-9 of 1.
  for (let i = 0; i < nStars; i++) {
    const n = Math.hypot(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
    if (!(n > 0.5 && n < 1.5)) fail(name, `star ${i} is not a unit vector (|v| = ${n})`);
    xyz[3 * i] /= n;
    xyz[3 * i + 1] /= n;
    xyz[3 * i + 2] /= n;
  }

  // Tag-along columns of every table with one row per star (the Tycho-2 packages: MAG_VT only; other
  // index builds may add MAG_BT, or Gaia's BP and RP magnitudes, which give a colour).
  const tags = new Map<string, ArrayLike<number>>();
  for (const hdu of hdus) {
    if (hdu.kind !== 'bintable' || String(hdu.header.get('AN_FILE') ?? '').trim() !== 'TAGALONG') continue;
    if (hdu.naxis[1] !== nStars) continue;
    hdu.data = await readBytes(path, hdu);
    const table = decodeTable(hdu, { fileName: name });
    hdu.data = undefined;
    for (const c of table.columns)
      if (c.repeat === 1 && !Array.isArray(c.data) && !tags.has(c.name.toUpperCase()))
        tags.set(c.name.toUpperCase(), c.data as ArrayLike<number>);
  }
  const magKey = tags.has('MAG_VT') ? 'MAG_VT' : [...tags.keys()].find((k) => k.startsWith('MAG'));
  const mag = magKey ? Float32Array.from(tags.get(magKey)!) : null;
  const magName = magKey ?? null;
  let colour: Float32Array | null = null;
  let colourName: string | null = null;
  const pair = (blue: string | undefined, red: string | undefined, label: string) => {
    if (colour || !blue || !red) return;
    const b = tags.get(blue)!;
    const r = tags.get(red)!;
    colour = Float32Array.from({ length: nStars }, (_, i) => b[i] - r[i]);
    colourName = label;
  };
  pair(tags.has('MAG_BT') ? 'MAG_BT' : undefined, tags.has('MAG_VT') ? 'MAG_VT' : undefined, 'B_T-V_T');
  const keys = [...tags.keys()];
  pair(
    keys.find((k) => /BP/.test(k) && /MAG/.test(k)),
    keys.find((k) => /RP/.test(k) && /MAG/.test(k)),
    'BP-RP',
  );

  let quads = new Uint32Array(0);
  let codes = new Float32Array(0);
  const dimQuads = primary.getNumber('DIMQUADS') ?? 4;
  if (options.quads !== false) {
    const quadTable = tableNamed(hdus, 'quads');
    const codeHeader = tableNamed(hdus, 'kdtree_header_codes');
    const codeData = tableNamed(hdus, 'kdtree_data_codes');
    if (!quadTable || !codeHeader || !codeData) fail(name, 'has no quads / kdtree_data_codes tables');
    const nq = info.quadCount;
    const raw = await readBytes(path, quadTable);
    if (raw.length < nq * dimQuads * 4) fail(name, `quads table holds fewer than ${nq} quads`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    quads = new Uint32Array(nq * dimQuads);
    for (let k = 0; k < quads.length; k++) {
      const s = view.getUint32(4 * k, little);
      if (s >= nStars) fail(name, `quad ${Math.floor(k / dimQuads)} names star ${s} of ${nStars}`);
      quads[k] = s;
    }
    const ch = codeHeader.header;
    const cdim = ch.getNumber('KDT_NDIM') ?? 2 * (dimQuads - 2);
    if (cdim !== 2 * (dimQuads - 2)) fail(name, `code kd-tree has ${cdim} dimensions for ${dimQuads}-star quads`);
    const codeRange = tableNamed(hdus, 'kdtree_range_codes');
    const cl = littleEndianOf(name, ch.get('ENDIAN'), primary.get('ENDIAN'));
    codes = Float32Array.from(
      decodeKdData(
        name,
        'codes',
        await readBytes(path, codeData),
        nq,
        cdim,
        String(ch.get('KDT_DATA') ?? 'double').trim(),
        cl,
        codeRange ? doubles(await readBytes(path, codeRange), cl) : null,
      ),
    );
  }

  return {
    name,
    indexId: info.indexId,
    scaleLowRad: info.scaleLowRad,
    scaleHighRad: info.scaleHighRad,
    starCount: nStars,
    xyz,
    mag,
    magName,
    colour,
    colourName,
    quads,
    dimQuads,
    codes,
  };
}

/** Folders searched for index files when none is given: Debian's astrometry.net data folder. */
export const DEFAULT_INDEX_DIRS = ['/usr/share/astrometry'];

/** Index files (`*.fits` whose header is an astrometry.net index) in `dirs`, with their header facts. */
export async function findStarIndexes(dirs: readonly string[] = DEFAULT_INDEX_DIRS): Promise<StarIndexInfo[]> {
  const out: StarIndexInfo[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new InputError('INDEX_DIR', `${dir}: is not a folder`);
      names = readdirSync(dir).sort();
    } catch (error) {
      if (error instanceof InputError) throw error;
      if (dirs === DEFAULT_INDEX_DIRS) continue;
      throw new InputError('INDEX_DIR', `${dir}: cannot be read as an index folder`);
    }
    for (const n of names) {
      if (!/\.fits?$/i.test(n)) continue;
      try {
        out.push(await readStarIndexInfo(join(dir, n)));
      } catch (error) {
        if (!(error instanceof InputError)) throw error; // not an index: skip it
      }
    }
  }
  return out;
}
