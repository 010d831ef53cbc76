/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.10): local headers, deflated or stored data, central
 * directory, end record. Enough for bundles of a few hundred files below 4 GiB; no ZIP64, no
 * encryption. Names are UTF-8 (general purpose bit 11) and `/`-separated. CRC-32 comes from zlib.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading `/` or `..`. */
  name: string;
  data: Uint8Array;
}

const LIMIT = 0xffffffff;

/**
 * The bytes of a ZIP archive holding `entries` in order; each is deflated unless that does not make it
 * smaller (PNG files, for instance, are stored). `modified` sets every entry's DOS time stamp [now].
 */
export function zipArchive(entries: readonly ZipEntry[], modified = new Date()): Buffer {
  const seen = new Set<string>();
  for (const e of entries) {
    if (!e.name || e.name.startsWith('/') || e.name.split('/').some((p) => p === '..' || p === ''))
      throw new RangeError(`zip entry name '${e.name}' must be a relative path without '..'`);
    if (seen.has(e.name)) throw new RangeError(`zip entry '${e.name}' appears twice`);
    seen.add(e.name);
  }
  const { time, date } = dosTime(modified);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflated = deflateRawSync(e.data, { level: 6 });
    const useDeflate = deflated.length < e.data.length;
    const body = useDeflate ? deflated : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    if (e.data.length > LIMIT || offset + body.length > LIMIT)
      throw new RangeError(`zip archive too large at '${e.name}' (no ZIP64 support)`);
    const crc = crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(useDeflate ? 8 : 0, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(useDeflate ? 8 : 0, 10);
    dir.writeUInt16LE(time, 12);
    dir.writeUInt16LE(date, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = central.reduce((s, b) => s + b.length, 0);
  if (entries.length > 0xffff) throw new RangeError('zip archive has too many entries (no ZIP64 support)');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** MS-DOS date and time fields (local time, 2-second resolution, years 1980–2107). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}
