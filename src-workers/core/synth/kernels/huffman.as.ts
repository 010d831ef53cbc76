// Length-limited Huffman codes for the PNG encoder's deflate blocks (host wrapper and tests:
// png-encoder.ts). At least two symbols get a code (a lone symbol is paired with another, as zlib does,
// so every decoder sees a complete code). Over-long codes are shortened by the JPEG standard's procedure
// (ITU T.81, Annex K.2), which keeps the code complete; the heaviest symbols get the shortest codes,
// ties by symbol order.

const KEYS = memory.data(512 * 4);
const USED = memory.data(512 * 4);
const WEIGHT = memory.data(1024 * 8);
const PARENT = memory.data(1024 * 4);
const DEPTH = memory.data(1024 * 4);
const COUNT = memory.data(64 * 4);
const NEXT_CODE = memory.data(16 * 4);
/** The radix sort's counts per digit, and its second buffer. */
const DIGITS = memory.data(256 * 4);
const SORTED = memory.data(512 * 4);

function geti(base: usize, i: i32): i32 {
  return load<i32>(base + ((<usize>i) << 2));
}

function seti(base: usize, i: i32, v: i32): void {
  store<i32>(base + ((<usize>i) << 2), v);
}

function getw(i: i32): i64 {
  return load<i64>(WEIGHT + ((<usize>i) << 3));
}

/**
 * Sorts KEYS[0, m) ascending (non-negative keys up to `maxKey`): least significant digit first, a byte
 * a pass, as many passes as `maxKey` has bytes. The keys are distinct, so any correct sort gives the one
 * order; this one has no data-dependent branches, which the comparison sorts it replaced lost most
 * of their time on.
 */
function sortKeys(m: i32, maxKey: i32): void {
  let from = KEYS;
  let to = SORTED;
  for (let shift = 0; shift < 32 && maxKey >>> shift != 0; shift += 8) {
    memory.fill(DIGITS, 0, 256 * 4);
    for (let i = 0; i < m; i++) {
      const d = (geti(from, i) >>> shift) & 255;
      seti(DIGITS, d, geti(DIGITS, d) + 1);
    }
    let total = 0;
    for (let d = 0; d < 256; d++) {
      const c = geti(DIGITS, d);
      seti(DIGITS, d, total);
      total += c;
    }
    for (let i = 0; i < m; i++) {
      const v = geti(from, i);
      const d = (v >>> shift) & 255;
      const at = geti(DIGITS, d);
      seti(to, at, v);
      seti(DIGITS, d, at + 1);
    }
    const t = from;
    from = to;
    to = t;
  }
  if (from != KEYS) memory.copy(KEYS, from, (<usize>m) << 2);
}

/**
 * Writes the code lengths (≤ `limit`) of the int32 weights `freq[0, n)` (n ≤ 512, each < 2^22) as bytes
 * at `lengths`.
 */
export function codeLengths(freq: usize, n: i32, limit: i32, lengths: usize): void {
  memory.fill(lengths, 0, <usize>n);
  // Leaves sorted by weight, then symbol: one int32 key each.
  let m = 0;
  let maxKey = 0;
  for (let s = 0; s < n; s++) {
    const f = geti(freq, s);
    if (f <= 0) continue;
    const key = f * 512 + s;
    seti(KEYS, m++, key);
    if (key > maxKey) maxKey = key;
  }
  if (m == 0) return;
  sortKeys(m, maxKey);
  for (let k = 0; k < m; k++) seti(USED, k, geti(KEYS, k) & 511);
  if (m == 1) {
    const only = geti(USED, 0);
    store<u8>(lengths + <usize>only, 1);
    store<u8>(lengths + <usize>(only == 0 ? 1 : 0), 1);
    return;
  }
  // Huffman tree by the two-queue method: leaves 0 … m−1 (sorted), inner nodes m … 2m−2 in creation order.
  for (let k = 0; k < m; k++) store<i64>(WEIGHT + ((<usize>k) << 3), <i64>geti(freq, geti(USED, k)));
  let leaf = 0;
  let inner = m;
  for (let next = m; next < 2 * m - 1; next++) {
    let a: i32;
    if (leaf < m && (inner >= next || getw(leaf) <= getw(inner))) a = leaf++;
    else a = inner++;
    let b: i32;
    if (leaf < m && (inner >= next || getw(leaf) <= getw(inner))) b = leaf++;
    else b = inner++;
    store<i64>(WEIGHT + ((<usize>next) << 3), getw(a) + getw(b));
    seti(PARENT, a, next);
    seti(PARENT, b, next);
  }
  seti(DEPTH, 2 * m - 2, 0);
  memory.fill(COUNT, 0, 64 * 4);
  let maxDepth = 0;
  for (let i = 2 * m - 3; i >= 0; i--) {
    const d = geti(DEPTH, geti(PARENT, i)) + 1;
    seti(DEPTH, i, d);
    if (i < m) {
      seti(COUNT, d, geti(COUNT, d) + 1);
      if (d > maxDepth) maxDepth = d;
    }
  }
  for (let i = maxDepth; i > limit; i--) {
    while (geti(COUNT, i) > 0) {
      let j = i - 2;
      while (geti(COUNT, j) == 0) j--;
      seti(COUNT, i, geti(COUNT, i) - 2);
      seti(COUNT, i - 1, geti(COUNT, i - 1) + 1);
      seti(COUNT, j + 1, geti(COUNT, j + 1) + 2);
      seti(COUNT, j, geti(COUNT, j) - 1);
    }
  }
  let k = m - 1;
  for (let len = 1; len <= limit; len++) {
    const c = geti(COUNT, len);
    for (let q = 0; q < c; q++) store<u8>(lengths + <usize>geti(USED, k--), <u8>len);
  }
}

function reverse16(v: u32): u32 {
  v = ((v >> 1) & 0x5555) | ((v & 0x5555) << 1);
  v = ((v >> 2) & 0x3333) | ((v & 0x3333) << 2);
  v = ((v >> 4) & 0x0f0f) | ((v & 0x0f0f) << 4);
  return ((v >> 8) & 0x00ff) | ((v & 0x00ff) << 8);
}

/** Canonical codes (RFC 1951, 3.2.2) of the byte lengths `lengths[0, n)` as u16 at `codes`, bit-reversed for LSB-first output. */
export function canonicalCodes(lengths: usize, n: i32, codes: usize): void {
  memory.fill(NEXT_CODE, 0, 16 * 4);
  for (let s = 0; s < n; s++) {
    const len = <i32>load<u8>(lengths + <usize>s);
    seti(NEXT_CODE, len, geti(NEXT_CODE, len) + 1);
  }
  seti(NEXT_CODE, 0, 0);
  // From the count per length to the first code of each length.
  let code = 0;
  let previous = 0;
  for (let bits = 1; bits <= 15; bits++) {
    code = (code + previous) << 1;
    previous = geti(NEXT_CODE, bits);
    seti(NEXT_CODE, bits, code);
  }
  for (let s = 0; s < n; s++) {
    const len = <i32>load<u8>(lengths + <usize>s);
    if (len == 0) {
      store<u16>(codes + ((<usize>s) << 1), 0);
      continue;
    }
    const c = geti(NEXT_CODE, len);
    seti(NEXT_CODE, len, c + 1);
    store<u16>(codes + ((<usize>s) << 1), <u16>(reverse16(<u32>c) >> (<u32>(16 - len))));
  }
}
