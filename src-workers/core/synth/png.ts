/**
 * A minimal PNG codec for 8-bit greyscale (PNG specification, W3C 2003, sections 5, 9 and 11), pure so it
 * runs in core, workers and the renderer. Compression is injected: pass a zlib `deflate` (node:zlib in
 * workers) or use the built-in stored (uncompressed) zlib stream.
 */

/** Compresses bytes into a zlib stream (RFC 1950), e.g. `(b) => zlib.deflateSync(b, { level: 1 })`. */
export type Deflate = (raw: Uint8Array) => Uint8Array;
/** Inverse of `Deflate`. */
export type Inflate = (zlib: Uint8Array) => Uint8Array;

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const SIGNATURE = PNG_SIGNATURE;

/** The IHDR chunk's data for an 8-bit greyscale image without interlace. */
export function ihdrGray8(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return ihdr;
}

/**
 * Encodes `pixels` (row-major bytes, `width`×`height`) as an 8-bit greyscale PNG with filter type 0 on
 * every row. Deterministic: the same pixels and `deflate` give the same bytes. `crc` may be a native
 * CRC-32 (e.g. `zlib.crc32`) for speed; it must agree with `crc32`.
 */
export function encodePngGray8(
  width: number,
  height: number,
  pixels: Uint8Array,
  deflate: Deflate = storedZlib,
  crc: (bytes: Uint8Array) => number = crc32,
): Uint8Array {
  if (pixels.length !== width * height) throw new RangeError(`PNG: ${pixels.length} pixels for ${width}×${height}`);
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const idat = deflate(raw);
  const ihdr = ihdrGray8(width, height);
  const out = new Uint8Array(8 + 25 + 12 + idat.length + 12);
  out.set(SIGNATURE, 0);
  let at = writeChunk(out, 8, 'IHDR', ihdr, crc);
  at = writeChunk(out, at, 'IDAT', idat, crc);
  writeChunk(out, at, 'IEND', new Uint8Array(0), crc);
  return out;
}

/**
 * Decodes an 8-bit greyscale PNG (any filter types, no interlace); throws `Error` naming the problem
 * when the bytes are not such a PNG or are truncated.
 */
export function decodePngGray8(
  bytes: Uint8Array,
  inflate: Inflate,
): { width: number; height: number; pixels: Uint8Array } {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const parts: Uint8Array[] = [];
  let ended = false;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (at + 12 + length > bytes.length) throw new Error(`PNG chunk ${type} is truncated`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length))
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (data[8] !== 8 || data[9] !== 0 || data[12] !== 0)
        throw new Error('PNG is not 8-bit greyscale without interlace');
    } else if (type === 'IDAT') parts.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at += 12 + length;
  }
  if (!ended) throw new Error('PNG is truncated (no IEND chunk)');
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    joined.set(p, o);
    o += p.length;
  }
  const raw = inflate(joined);
  if (raw.length < (width + 1) * height) throw new Error('PNG image data is truncated');
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    for (let x = 0; x < width; x++) {
      const v = raw[y * (width + 1) + 1 + x];
      const a = x > 0 ? pixels[y * width + x - 1] : 0;
      const b = y > 0 ? pixels[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? pixels[(y - 1) * width + x - 1] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) p = paeth(a, b, c);
      else if (filter !== 0) throw new Error(`PNG row ${y} has unknown filter ${filter}`);
      pixels[y * width + x] = (v + p) & 255;
    }
  }
  return { width, height, pixels };
}

/** A zlib stream made of stored (uncompressed) deflate blocks: valid everywhere, no compression. */
export function storedZlib(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  const at = writeStoredBlocks(raw, out, 2);
  new DataView(out.buffer).setUint32(at, adler32(raw));
  return out;
}

/**
 * Writes `raw` as stored deflate blocks of up to 65535 bytes (the last one final) at `out[at]`, which
 * must have room for `raw.length` + 5 bytes per block; returns the index after them.
 */
function writeStoredBlocks(raw: Uint8Array, out: Uint8Array, at: number): number {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    out[at] = b === blocks - 1 ? 1 : 0;
    out[at + 1] = len & 255;
    out[at + 2] = len >>> 8;
    out[at + 3] = ~len & 255;
    out[at + 4] = (~len >>> 8) & 255;
    out.set(raw.subarray(start, start + len), at + 5);
    at += 5 + len;
  }
  return at;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function writeChunk(
  out: Uint8Array,
  at: number,
  type: string,
  data: Uint8Array,
  crc: (bytes: Uint8Array) => number,
): number {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc(out.subarray(at + 4, at + 8 + data.length)));
  return at + 12 + data.length;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) as PNG chunks use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 (RFC 1950), with the modulo deferred over 5552-byte runs as zlib does. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length;) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
