import type { OutputColumn } from './columns.js';

/**
 * CSV rows of equal-length columns written as ASCII bytes, without a string per value: a catalog of 15 000
 * rows × 24 columns is 370 000 numbers, and `String(Number(v.toPrecision(10)))` cost ≈ 0.3 µs each. The
 * text is byte for byte what that expression (and `String(v)` for integer columns) prints; NaN is `nan`,
 * ±∞ `inf`/`-inf`.
 */
export function csvBodyBytes(cols: readonly OutputColumn[], count: number, lineSuffix?: Uint8Array): Uint8Array {
  const out = new AsciiBuffer(count * (cols.length * 13 + (lineSuffix?.length ?? 0) + 1) + 64);
  const ints = cols.map((c) => c.data instanceof Int32Array);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < cols.length; k++) {
      if (k > 0) out.byte(44);
      const v = cols[k].data[i];
      if (ints[k]) out.integer(v);
      else out.precision10(v);
    }
    if (lineSuffix) out.bytes(lineSuffix);
    out.byte(10);
  }
  return out.view();
}

/** ASCII bytes as a string (in chunks: `String.fromCharCode` takes its arguments on the stack). */
export function asciiToString(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let o = 0; o < bytes.length; o += 8192) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(o, o + 8192) as unknown as number[]));
  }
  return parts.join('');
}

/** Exact powers of ten 10^0 … 10^22 (each one is a double). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

class AsciiBuffer {
  private buf: Uint8Array;
  private pos = 0;
  private readonly digits = new Uint8Array(10);

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Characters below 128 only (numbers as JavaScript prints them). */
  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** `String(v)` of a 32-bit integer. */
  integer(v: number): void {
    if (v < 0) {
      this.ascii(String(v));
      return;
    }
    this.ensure(10);
    let n = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) n++;
    const b = this.buf;
    let p = this.pos + n;
    this.pos = p;
    do {
      const q = (v / 10) | 0;
      b[--p] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
  }

  /**
   * `String(Number(v.toPrecision(10)))`. The 10 digits come from one multiplication or division by an exact
   * power of ten, whose rounding error (≤ 1.1e-6 of the last digit) cannot move the rounding unless the
   * scaled value lies within 1e-5 of a half-way point; those values, and magnitudes outside [1e-6, 1e15),
   * take the original conversions. The digits, trailing zeros dropped, are then the shortest representation
   * of the double nearest to them (distinct 10-digit decimals lie far more than one ulp apart), which is
   * what `String(Number(...))` prints.
   */
  precision10(v: number): void {
    if (v !== v) return this.ascii('nan');
    const a = v < 0 ? -v : v;
    if (!(a >= 1e-6 && a < 1e15)) {
      if (a === Infinity) return this.ascii(v > 0 ? 'inf' : '-inf');
      return this.ascii(String(Number(v.toPrecision(10))));
    }
    let e = Math.floor(Math.log10(a));
    let scaled = e <= 9 ? a * POW10[9 - e] : a / POW10[e - 9];
    if (scaled >= 1e10) {
      e++;
      scaled = e <= 9 ? a * POW10[9 - e] : a / POW10[e - 9];
    } else if (scaled < 1e9) {
      e--;
      scaled = e <= 9 ? a * POW10[9 - e] : a / POW10[e - 9];
    }
    const floor = Math.floor(scaled);
    const frac = scaled - floor;
    const m = frac > 0.5 ? floor + 1 : floor;
    if (!(scaled >= 1e9 && m < 1e10) || Math.abs(frac - 0.5) < 1e-5) {
      return this.ascii(String(Number(v.toPrecision(10))));
    }
    // The 10 digits of m (< 1e10, beyond int32: two halves of five digits).
    const d = this.digits;
    let hi = Math.floor(m / 100000);
    let lo = m - hi * 100000;
    for (let k = 9; k >= 5; k--) {
      const q = (lo / 10) | 0;
      d[k] = 48 + lo - q * 10;
      lo = q;
    }
    for (let k = 4; k >= 0; k--) {
      const q = (hi / 10) | 0;
      d[k] = 48 + hi - q * 10;
      hi = q;
    }
    let end = 10;
    while (end > 1 && d[end - 1] === 48) end--;
    this.ensure(32);
    const b = this.buf;
    let p = this.pos;
    if (v < 0) b[p++] = 45;
    if (e >= 9) {
      // An integer of e + 1 digits: the 10 digits, then zeros.
      for (let k = 0; k < 10; k++) b[p++] = d[k];
      for (let k = 9; k < e; k++) b[p++] = 48;
    } else if (e >= 0) {
      const intDigits = e + 1;
      for (let k = 0; k < intDigits; k++) b[p++] = d[k];
      if (end > intDigits) {
        b[p++] = 46;
        for (let k = intDigits; k < end; k++) b[p++] = d[k];
      }
    } else {
      b[p++] = 48;
      b[p++] = 46;
      for (let k = 1; k < -e; k++) b[p++] = 48;
      for (let k = 0; k < end; k++) b[p++] = d[k];
    }
    this.pos = p;
  }
}
