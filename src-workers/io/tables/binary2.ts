/**
 * VOTable BINARY2 encoding (IVOA VOTable 1.4 §5.5) into one Buffer per chunk of rows: per row a null-flag bit mask
 * (most significant bit first), then each cell big-endian: double and long 8 bytes, char arraysize="*" a 4-byte
 * length and UTF-8 bytes. Rows come as arrays in column order (better-sqlite3's `raw()` rows), so no object is
 * made per row; longs are written as two 32-bit halves, not through BigInt. Then base64 in 76-character lines.
 */
import type { ColumnMeta } from '../../../src-main/common/columns.js';

const TWO32 = 4294967296;

/** Encodes chunks of rows for a fixed list of columns. */
export class Binary2Encoder {
  private readonly kinds: Uint8Array;
  private readonly maskBytes: number;
  private readonly fixedBytes: number;
  private readonly hasChar: boolean;

  constructor(columns: readonly ColumnMeta[]) {
    // 0 double, 1 long, 2 char
    this.kinds = Uint8Array.from(columns, (c) => (c.type === 'double' ? 0 : c.type === 'long' ? 1 : 2));
    this.maskBytes = Math.ceil(columns.length / 8);
    this.hasChar = this.kinds.includes(2);
    let bytes = this.maskBytes;
    for (const k of this.kinds) bytes += k === 2 ? 4 : 8;
    this.fixedBytes = bytes;
  }

  /** The BINARY2 bytes of `count` rows of `rows` (each an array of cells in column order). */
  encode(rows: readonly ArrayLike<unknown>[], count = rows.length): Buffer {
    const kinds = this.kinds;
    const ncol = kinds.length;
    const maskBytes = this.maskBytes;
    let texts: Buffer[] | undefined;
    let size = count * this.fixedBytes;
    if (this.hasChar) {
      texts = [];
      for (let i = 0; i < count; i++)
        for (let k = 0; k < ncol; k++) {
          if (kinds[k] !== 2) continue;
          const v = rows[i][k];
          const b =
            v === null || v === undefined ? EMPTY : Buffer.from(typeof v === 'object' ? JSON.stringify(v) : String(v));
          texts.push(b);
          size += b.length;
        }
    }
    const out = Buffer.alloc(size);
    let at = 0;
    let t = 0;
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      const mask = at;
      at += maskBytes;
      for (let k = 0; k < ncol; k++) {
        const v = row[k];
        const kind = kinds[k];
        if (kind === 0) {
          if (typeof v === 'number') out.writeDoubleBE(v, at);
          else {
            out[mask + (k >> 3)] |= 0x80 >> (k & 7);
            out.writeDoubleBE(Number.NaN, at);
          }
          at += 8;
        } else if (kind === 1) {
          if (typeof v === 'number' && Number.isSafeInteger(v)) {
            const hi = Math.floor(v / TWO32);
            out.writeInt32BE(hi, at);
            out.writeUInt32BE(v - hi * TWO32, at + 4);
          } else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63)
            out.writeBigInt64BE(BigInt(v), at);
          else if (typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n) out.writeBigInt64BE(v, at);
          else out[mask + (k >> 3)] |= 0x80 >> (k & 7); // the cell stays 0
          at += 8;
        } else {
          const b = (texts as Buffer[])[t++];
          if (rows[i][k] === null || rows[i][k] === undefined) out[mask + (k >> 3)] |= 0x80 >> (k & 7);
          out.writeUInt32BE(b.length, at);
          b.copy(out, at + 4);
          at += 4 + b.length;
        }
      }
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);

const ALPHABET = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) =>
  c.charCodeAt(0),
);

/** Two base64 characters (little-endian in a 16-bit word) for every 12-bit value. */
const PAIRS = Uint16Array.from({ length: 4096 }, (_, i) => ALPHABET[i >> 6] | (ALPHABET[i & 63] << 8));

/**
 * Base64 in 76-character lines, carrying the bytes that do not fill a 57-byte line over to the next chunk. The
 * lines are encoded by hand into one Buffer: Node's `toString('base64')` plus a copy per line cost 3× more. Each
 * 3 input bytes are one unaligned 32-bit read and 4 output characters one 32-bit write of two 12-bit table pairs,
 * 7× faster than a byte and a table look-up per character.
 */
export class Base64Lines {
  private carry: Buffer = EMPTY;
  private readonly scratch: Buffer[] = [EMPTY, EMPTY];
  private turn = 0;

  /**
   * `reuse`: a push returns memory that the push after next uses again, for a caller that has written it out by
   * then (one write in flight while the next chunk is encoded).
   */
  constructor(private readonly options: { reuse?: boolean } = {}) {}

  /** The bytes carried to the next line, to `restore` when a caller takes back what it pushed since. */
  get pending(): Buffer {
    return Buffer.from(this.carry);
  }

  restore(pending: Buffer): void {
    this.carry = Buffer.from(pending);
  }

  /** ASCII bytes of the lines `bytes` completes (all of them, the last one short, when `last`). */
  push(bytes: Uint8Array, last = false): Buffer {
    // The carried bytes are completed to a line of their own, so the caller's bytes are never copied whole.
    let head: Uint8Array = EMPTY;
    let from = 0;
    if (this.carry.length) {
      const take = Math.min(57 - this.carry.length, bytes.length);
      head = Buffer.concat([this.carry, bytes.subarray(0, take)]);
      from = take;
      if (head.length < 57 && !last) {
        this.carry = Buffer.from(head);
        return EMPTY;
      }
    }
    const left = bytes.length - from;
    const whole = last ? left : left - (left % 57);
    this.carry = Buffer.from(bytes.subarray(from + whole)); // a copy: `bytes` is the caller's buffer
    const size = linesBytes(head.length) + linesBytes(whole);
    if (size === 0) return EMPTY;
    let out: Buffer;
    if (this.options.reuse) {
      const t = (this.turn ^= 1);
      if (this.scratch[t].length < size)
        this.scratch[t] = Buffer.allocUnsafe(Math.max(size, 2 * this.scratch[t].length));
      out = this.scratch[t].subarray(0, size);
    } else out = Buffer.allocUnsafe(size);
    const o = encodeLines(head, 0, head.length, out, 0);
    encodeLines(bytes, from, from + whole, out, o);
    return out;
  }
}

/** Bytes of the base64 lines of `n` input bytes (57 a line, each 76 characters and a newline). */
function linesBytes(n: number): number {
  const rest = n % 57;
  return Math.floor(n / 57) * 77 + (rest ? Math.ceil(rest / 3) * 4 + 1 : 0);
}

/** Base64 lines of `src[start, end)` into `out` from `o`; returns the offset after them. */
function encodeLines(src: Uint8Array, start: number, end: number, out: Buffer, o: number): number {
  const full = Math.floor((end - start) / 57);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dst = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let i = start;
  for (let line = 0; line < full; line++) {
    // A group is one 32-bit read, which takes a byte past it: the buffer's very last group is read byte by byte.
    const groups = i + 58 <= src.length ? 19 : 18;
    for (let g = 0; g < groups; g++) {
      const n = view.getUint32(i) >>> 8;
      i += 3;
      dst.setUint32(o, PAIRS[n >>> 12] | (PAIRS[n & 4095] << 16), true);
      o += 4;
    }
    if (groups === 18) {
      const n = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
      i += 3;
      dst.setUint32(o, PAIRS[n >>> 12] | (PAIRS[n & 4095] << 16), true);
      o += 4;
    }
    out[o++] = 10;
  }
  if (i < end) {
    o += out.write(Buffer.from(src.buffer, src.byteOffset + i, end - i).toString('base64'), o, 'latin1');
    out[o++] = 10;
  }
  return o;
}
