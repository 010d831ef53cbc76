/**
 * Exact median of a Float32Array by radix selection instead of a sort (issue 24): one pass histograms
 * the top 16 bits of each value's order-preserving key, a second pass histograms the low 16 bits inside
 * the one or two buckets holding the middle ranks, which fixes the middle values exactly (Knuth, TAOCP
 * vol. 3, §5.2.5). Two streaming passes and 512 KiB of uint32 histograms whatever the length, against
 * an O(n log n) sort of a copy; the result is bit-identical to sorting the non-NaN values and taking the
 * middle one (or the mean of the two middle ones, in float64).
 */

const BINS = 1 << 16;

/** The order-preserving key of float32 bits `w`: unsigned order of keys is numeric order of values. */
function keyOf(w: number): number {
  return w < 0 ? ~w : w ^ -0x80000000;
}

const KEY = new Int32Array(1);
const KEY_F = new Float32Array(KEY.buffer);

function valueOf(key: number): number {
  KEY[0] = key < 0 ? key ^ -0x80000000 : ~key;
  return KEY_F[0];
}

/** Histogram of top-16-bit keys of the non-NaN values; returns their count. */
function topHistogram(words: Int32Array, hist: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    // NaN: exponent all ones and a non-zero mantissa (±Inf are kept, as a sort keeps them).
    if ((w & 0x7fffffff) > 0x7f800000) continue;
    hist[keyOf(w) >>> 16]++;
    n++;
  }
  return n;
}

/** Low-16-bit histograms of the values whose key's top 16 bits are `b0` (into h0) or `b1` (into h1). */
function lowHistograms(words: Int32Array, b0: number, h0: Uint32Array, b1: number, h1: Uint32Array): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if ((w & 0x7fffffff) > 0x7f800000) continue;
    const key = keyOf(w);
    const top = key >>> 16;
    if (top === b0) h0[key & 0xffff]++;
    else if (top === b1) h1[key & 0xffff]++;
  }
}

/** The bin holding rank `rank` (0-based) of `hist`, and the rank within it. */
function locate(hist: Uint32Array, rank: number): [number, number] {
  let below = 0;
  let b = 0;
  while (below + hist[b] <= rank) below += hist[b++];
  return [b, rank - below];
}

/**
 * Median of the non-NaN values of `data` (±Inf count as values, as in a sort), NaN when there are none;
 * the mean of the two middle values for an even count. `data` is not modified.
 */
export function medianFloat32(data: Float32Array): number {
  // uint32 counts (half the cache footprint of float64 ones) cannot overflow below 2^32 values.
  if (data.length >= 2 ** 32) throw new RangeError(`medianFloat32: ${data.length} values (at most 2^32 − 1)`);
  const words = new Int32Array(data.buffer, data.byteOffset, data.length);
  const top = new Uint32Array(BINS);
  const n = topHistogram(words, top);
  if (n === 0) return Number.NaN;
  const ranks = n & 1 ? [n >> 1, n >> 1] : [(n >> 1) - 1, n >> 1];
  const [b0, r0] = locate(top, ranks[0]);
  const [b1, r1] = locate(top, ranks[1]);
  const h0 = new Uint32Array(BINS);
  const h1 = b1 === b0 ? h0 : new Uint32Array(BINS);
  lowHistograms(words, b0, h0, b1 === b0 ? -1 : b1, h1);
  const a = valueOf((b0 << 16) | locate(h0, r0)[0]);
  if (n & 1) return a;
  return 0.5 * (a + valueOf((b1 << 16) | locate(h1, r1)[0]));
}
