// Deflate (zlib) streams of Huffman-coded literals, as zlib's Z_HUFFMAN_ONLY writes them: noisy 8-bit
// images gain next to nothing from string matching. Blocks of at most 2 MiB (so every weight stays
// below 2^22); the whole stream falls back to stored blocks as soon as a Huffman block would not be
// smaller. Host side: png-encoder.ts.
import { adler32 } from './adler32.as';
import { canonicalCodes, codeLengths } from './huffman.as';

const MAX_BITS = 15;
const MAX_CODE_LENGTH_BITS = 7;
const END_OF_BLOCK = 256;
const BLOCK_BYTES = 1 << 21;
const STORED_BLOCK_BYTES = 65535;
/** Order in which the code-length code's lengths are sent (RFC 1951, 3.2.7). */
const CL_ORDER = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

/** Byte histogram of the data being coded (int32 × 257, the last for the end-of-block code). */
export const HISTOGRAM = memory.data(257 * 4);
const LIT_LENGTHS = memory.data(257);
/** Literal/length code lengths followed by the two distance code lengths. */
const ALL_LENGTHS = memory.data(259);
const LIT_CODES = memory.data(257 * 2);
/** Per byte value: bit-reversed code | length << 16. */
const TABLE = memory.data(256 * 4);
const CL_FREQ = memory.data(19 * 4);
const CL_LENGTHS = memory.data(19);
const CL_CODES = memory.data(19 * 2);
/** Run-length coded code lengths: symbol | extra value << 8. */
const RLE = memory.data(259 * 4);
let rleCount = 0;
let hclen = 19;

let acc: u64 = 0;
let pending: i32 = 0;
let o: usize = 0;

function put(value: u32, bits: i32): void {
  acc |= (<u64>value) << (<u64>pending);
  pending += bits;
  while (pending >= 8) {
    store<u8>(o++, <u8>acc);
    acc >>= 8;
    pending -= 8;
  }
}

function pushRle(k: i32, value: i32): void {
  store<i32>(RLE + ((<usize>k) << 2), value);
}

function extraBits(symbol: i32): i32 {
  return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
}

function u8At(base: usize, i: i32): i32 {
  return <i32>load<u8>(base + <usize>i);
}

function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + ((<usize>i) << 2));
}

/** Literal code of `raw[begin, end)` plus the run-length coded header describing it. */
function buildCode(raw: usize, begin: i32, end: i32, counted: bool): void {
  if (!counted) {
    memory.fill(HISTOGRAM, 0, 257 * 4);
    for (let i = begin; i < end; i++) {
      const f = HISTOGRAM + ((<usize>load<u8>(raw + <usize>i)) << 2);
      store<i32>(f, load<i32>(f) + 1);
    }
  }
  store<i32>(HISTOGRAM + (END_OF_BLOCK << 2), 1);
  codeLengths(HISTOGRAM, 257, MAX_BITS, LIT_LENGTHS);
  canonicalCodes(LIT_LENGTHS, 257, LIT_CODES);
  for (let s = 0; s < 256; s++)
    store<i32>(
      TABLE + ((<usize>s) << 2),
      (<i32>load<u16>(LIT_CODES + ((<usize>s) << 1))) | (u8At(LIT_LENGTHS, s) << 16),
    );
  // Code lengths of the 257 literal/length codes and of two 1-bit distance codes (none is used, but
  // some decoders reject a block without any: zlib sends two as well), run-length coded (3.2.7).
  memory.copy(ALL_LENGTHS, LIT_LENGTHS, 257);
  store<u8>(ALL_LENGTHS + 257, 1);
  store<u8>(ALL_LENGTHS + 258, 1);
  let count = 0;
  for (let i = 0; i < 259;) {
    const v = u8At(ALL_LENGTHS, i);
    let run = 1;
    while (i + run < 259 && u8At(ALL_LENGTHS, i + run) == v) run++;
    if (v == 0 && run >= 3) {
      const take = min<i32>(run, 138);
      pushRle(count++, take >= 11 ? 18 | ((take - 11) << 8) : 17 | ((take - 3) << 8));
      i += take;
    } else if (v != 0 && run >= 4) {
      const take = min<i32>(run - 1, 6);
      pushRle(count++, v);
      pushRle(count++, 16 | ((take - 3) << 8));
      i += 1 + take;
    } else {
      pushRle(count++, v);
      i++;
    }
  }
  rleCount = count;
  memory.fill(CL_FREQ, 0, 19 * 4);
  for (let k = 0; k < count; k++) {
    const f = CL_FREQ + ((<usize>(i32At(RLE, k) & 255)) << 2);
    store<i32>(f, load<i32>(f) + 1);
  }
  codeLengths(CL_FREQ, 19, MAX_CODE_LENGTH_BITS, CL_LENGTHS);
  canonicalCodes(CL_LENGTHS, 19, CL_CODES);
  let h = 19;
  while (h > 4 && u8At(CL_LENGTHS, u8At(CL_ORDER, h - 1)) == 0) h--;
  hclen = h;
}

function headerBits(): i64 {
  let bits: i64 = 5 + 5 + 4 + 3 * hclen;
  for (let k = 0; k < rleCount; k++) {
    const s = i32At(RLE, k) & 255;
    bits += u8At(CL_LENGTHS, s) + extraBits(s);
  }
  return bits;
}

function writeHeader(): void {
  put(0, 5); // HLIT: 257 codes
  put(1, 5); // HDIST: 2 codes
  put(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) put(u8At(CL_LENGTHS, u8At(CL_ORDER, i)), 3);
  for (let k = 0; k < rleCount; k++) {
    const r = i32At(RLE, k);
    const s = r & 255;
    put(<u32>load<u16>(CL_CODES + ((<usize>s) << 1)), u8At(CL_LENGTHS, s));
    const e = extraBits(s);
    if (e) put((<u32>r) >>> 8, e);
  }
}

/** The literals `raw[begin, end)`, a 32-bit word at a time (up to 3 bytes past the end get overwritten). */
function packLiterals(raw: usize, begin: i32, end: i32): void {
  let a = acc;
  let n = pending;
  let at = o;
  for (let i = begin; i < end; i++) {
    const e = load<u32>(TABLE + ((<usize>load<u8>(raw + <usize>i)) << 2));
    a |= (<u64>(e & 0xffff)) << (<u64>n);
    n += <i32>(e >>> 16);
    if (n >= 32) {
      store<u32>(at, <u32>a);
      at += 4;
      a >>= 32;
      n -= 32;
    }
  }
  while (n >= 8) {
    store<u8>(at++, <u8>a);
    a >>= 8;
    n -= 8;
  }
  acc = a;
  pending = n;
  o = at;
}

function writeStoredBlocks(raw: usize, length: i32, at: usize): usize {
  const blocks = max<i32>(1, (length + STORED_BLOCK_BYTES - 1) / STORED_BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_BLOCK_BYTES;
    const len = min<i32>(STORED_BLOCK_BYTES, length - start);
    store<u8>(at, b == blocks - 1 ? 1 : 0);
    store<u8>(at + 1, <u8>len);
    store<u8>(at + 2, <u8>(len >>> 8));
    store<u8>(at + 3, <u8>~len);
    store<u8>(at + 4, <u8>(~len >>> 8));
    memory.copy(at + 5, raw + <usize>start, <usize>len);
    at += 5 + <usize>len;
  }
  return at;
}

/**
 * Writes the zlib stream of the `length` bytes at `raw` to `out`, which has room for the stored form
 * (2 + length + 5 per 65535 bytes + 4) plus 3 bytes; returns its length. `counted`: HISTOGRAM already
 * holds the histogram of all the data (only used for a single block).
 */
export function deflate(raw: usize, length: i32, out: usize, counted: bool): i32 {
  store<u8>(out, 0x78);
  store<u8>(out + 1, 0x01);
  const dataAt = out + 2;
  const storedEnd = dataAt + <usize>length + 5 * <usize>((length + STORED_BLOCK_BYTES - 1) / STORED_BLOCK_BYTES);
  acc = 0;
  pending = 0;
  o = dataAt;
  let huffman = true;
  for (let begin = 0; begin < length && huffman; begin += BLOCK_BYTES) {
    const end = min<i32>(length, begin + BLOCK_BYTES);
    buildCode(raw, begin, end, counted && length <= BLOCK_BYTES);
    // Worst case of this block in bytes: header plus its data bits.
    let bits: i64 = 3 + headerBits();
    for (let s = 0; s < 257; s++) bits += <i64>i32At(HISTOGRAM, s) * <i64>u8At(LIT_LENGTHS, s);
    if (<i64>o + (<i64>pending + bits + 7) / 8 + 4 >= <i64>storedEnd) {
      huffman = false;
      break;
    }
    put(end == length ? 1 : 0, 1);
    put(2, 2);
    writeHeader();
    packLiterals(raw, begin, end);
    put(<u32>load<u16>(LIT_CODES + (END_OF_BLOCK << 1)), u8At(LIT_LENGTHS, END_OF_BLOCK));
  }
  let at: usize;
  if (huffman) {
    if (pending > 0) store<u8>(o++, <u8>acc);
    at = o;
  } else at = writeStoredBlocks(raw, length, dataAt);
  const adler = adler32(raw, length);
  store<u8>(at, <u8>(adler >>> 24));
  store<u8>(at + 1, <u8>(adler >>> 16));
  store<u8>(at + 2, <u8>(adler >>> 8));
  store<u8>(at + 3, <u8>adler);
  return <i32>(at + 4 - out);
}
