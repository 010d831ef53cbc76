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

/**
 * Base64 in 76-character lines, carrying the bytes that do not fill a 57-byte line over to the next chunk. The
 * lines are encoded by hand into one Buffer: Node's `toString('base64')` plus a copy per line cost 3× more.
 */
export class Base64Lines {
  private carry: Buffer = EMPTY;

  /** ASCII bytes of the lines `bytes` completes (all of them, the last one short, when `last`). */
  push(bytes: Uint8Array, last = false): Buffer {
    const all = this.carry.length ? Buffer.concat([this.carry, bytes]) : bytes;
    const whole = last ? all.length : all.length - (all.length % 57);
    this.carry = Buffer.from(all.subarray(whole)); // a copy: `all` may be the caller's buffer
    if (whole === 0) return EMPTY;
    const full = Math.floor(whole / 57);
    const rest = whole - full * 57;
    const out = Buffer.allocUnsafe(full * 77 + (rest ? Math.ceil(rest / 3) * 4 + 1 : 0));
    let o = 0;
    let i = 0;
    for (let line = 0; line < full; line++) {
      for (let g = 0; g < 19; g++) {
        const n = (all[i] << 16) | (all[i + 1] << 8) | all[i + 2];
        i += 3;
        out[o] = ALPHABET[n >>> 18];
        out[o + 1] = ALPHABET[(n >>> 12) & 63];
        out[o + 2] = ALPHABET[(n >>> 6) & 63];
        out[o + 3] = ALPHABET[n & 63];
        o += 4;
      }
      out[o++] = 10;
    }
    if (rest) {
      const tail = out.write(Buffer.from(all.subarray(i, whole)).toString('base64'), o, 'latin1');
      out[o + tail] = 10;
    }
    return out;
  }
}
