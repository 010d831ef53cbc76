/**
 * Exact statistics straight from big-endian FITS pixel bytes, without decoding to float64 first (issue 24):
 * the same figures as `StreamingStats` fed with `decodePixels64` values (min, max, numpy's median, mean and
 * population stdev of the finite physical values; NaN and ±Inf counted apart), in fewer passes.
 *
 * - BITPIX 8 and 16: one pass building a histogram of the stored integers (256 or 65 536 bins); every
 *   figure then comes from the histogram, with physical = fround(stored × BSCALE + BZERO) per bin exactly
 *   as `decodePixels64` computes it, and stored = BLANK counted as NaN.
 * - BITPIX −32 with BSCALE = 1 and BZERO = 0: each chunk is byte-swapped in place and read through a
 *   Float32Array view of the same bytes; the first pass takes min, max, a per-chunk corrected two-pass mean
 *   and sum of squares (merged with Chan et al.'s pairwise formula, 1979) and a histogram of the top 16 bits
 *   of the order-preserving key; a second pass histograms the low 16 bits inside the bucket(s) holding the
 *   two middle ranks, which fixes the median exactly (radix selection, Knuth TAOCP vol. 3 §5.2.5).
 *
 * Usage: `do { for (chunk of data) s.add(chunk) } while (s.endPass()); s.result()`, chunks in the same order
 * every pass, each chunk a whole number of pixels. `add` may byte-swap the chunk in place (BITPIX −32).
 */
import type { PixelScaling } from '../fits/pixels.js';
import type { StreamedStats } from './streaming.js';

/** True when `RawPixelStats` handles this BITPIX and scaling (else use `StreamingStats`). */
export function rawStatsSupported(bitpix: number, scaling: PixelScaling): boolean {
  if (bitpix === 8 || bitpix === 16) return true;
  return bitpix === -32 && scaling.bscale === 1 && scaling.bzero === 0;
}

/** Bytes of float32 pixels per moments chunk [1 MiB]. */
const FLOAT_CHUNK_BYTES = 1 << 20;

const EMPTY = { min: NaN, max: NaN, mean: NaN, median: NaN, stdev: NaN };

/** Exact statistics of big-endian pixel chunks of BITPIX 8, 16 or −32 (see the module comment). */
export class RawPixelStats {
  private pass = 1;
  private done = false;
  private readonly intHist: Float64Array | null;
  // Float path state.
  private n = 0;
  private nan = 0;
  private posInf = 0;
  private negInf = 0;
  private min = Infinity;
  private max = -Infinity;
  /** Per-chunk count, mean and sum of squared deviations, merged at the end. */
  private chunkN: number[] = [];
  private chunkMean: number[] = [];
  private chunkM2: number[] = [];
  private hiHist: Float64Array | null = null;
  private buckets: number[] = [];
  private loHists: Float64Array[] = [];
  private ranks: number[] = [];
  private result_: StreamedStats | null = null;
  /** Scratch for the chunk loops: count, sum, min, max, NaN, +Inf, −Inf. */
  private readonly acc = new Float64Array(7);

  constructor(
    private readonly bitpix: number,
    private readonly scaling: PixelScaling,
  ) {
    if (!rawStatsSupported(bitpix, scaling)) throw new RangeError(`RawPixelStats: unsupported BITPIX ${bitpix}`);
    this.intHist = bitpix > 0 ? new Float64Array(bitpix === 8 ? 256 : 65536) : null;
    if (bitpix < 0) {
      this.hiHist = new Float64Array(65536);
      warmUp();
    }
  }

  /** Adds one chunk of the current pass (may be swapped in place; 4-byte aligned for BITPIX −32). */
  add(bytes: Uint8Array): void {
    if (this.done) throw new Error('RawPixelStats: add after the last pass');
    if (this.intHist) {
      const h = this.intHist;
      if (this.bitpix === 8) for (let i = 0; i < bytes.length; i++) h[bytes[i]]++;
      else for (let i = 0; i + 1 < bytes.length; i += 2) h[(bytes[i] << 8) | bytes[i + 1]]++;
      return;
    }
    if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
    // Sub-chunks of 1 MiB: each stays in cache between the scan and the deviations loop.
    for (let at = 0; at < bytes.length; at += FLOAT_CHUNK_BYTES) {
      this.addFloats(bytes.subarray(at, Math.min(bytes.length, at + FLOAT_CHUNK_BYTES)));
    }
  }

  private addFloats(bytes: Uint8Array): void {
    const count = bytes.length >> 2;
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, count);
    if (this.pass === 1) {
      swapWords(words);
      this.addFirst(words, new Float32Array(bytes.buffer, bytes.byteOffset, count));
    } else {
      this.addSecond(words);
    }
  }

  /** Ends a pass; true when another pass over the same chunks is needed. */
  endPass(): boolean {
    if (this.intHist) {
      this.result_ = histogramResult(this.intHist, this.bitpix, this.scaling);
      return this.finish();
    }
    if (this.pass === 1) {
      if (this.n === 0) {
        this.result_ = { ...this.counts(), ...EMPTY };
        return this.finish();
      }
      const hist = this.hiHist!;
      this.hiHist = null;
      this.ranks = [Math.floor((this.n - 1) / 2), Math.floor(this.n / 2)];
      for (const rank of this.ranks) {
        let below = 0;
        let b = 0;
        while (below + hist[b] <= rank) below += hist[b++];
        if (!this.buckets.includes(b)) {
          this.buckets.push(b);
          this.loHists.push(new Float64Array(65536));
        }
      }
      // Ranks relative to their bucket: counts of all finite values in lower buckets.
      this.ranks = this.ranks.map((rank) => {
        let below = 0;
        let b = 0;
        while (below + hist[b] <= rank) below += hist[b++];
        return rank - below;
      });
      this.pass = 2;
      return true;
    }
    const [a, b] = this.ranks.map((rank, k) => {
      const bucket = this.buckets[Math.min(k, this.buckets.length - 1)];
      const lo = this.loHists[this.buckets.indexOf(bucket)];
      let below = 0;
      let d = 0;
      while (below + lo[d] <= rank) below += lo[d++];
      return keyToFloat((bucket << 16) | d);
    });
    this.result_ = { ...this.counts(), ...this.moments(), median: medianOfTwo(a, b) };
    return this.finish();
  }

  /** The statistics; valid once `endPass` has returned false. */
  result(): StreamedStats {
    if (!this.result_) throw new Error('RawPixelStats: result before the last pass');
    return this.result_;
  }

  private finish(): false {
    this.done = true;
    return false;
  }

  private counts() {
    return { count: this.n, nanCount: this.nan, posInfCount: this.posInf, negInfCount: this.negInf };
  }

  private moments(): { min: number; max: number; mean: number; stdev: number } {
    // Neumaier-compensated total, then Chan's merge of the per-chunk deviations about the global mean.
    let sum = 0;
    let carry = 0;
    for (let k = 0; k < this.chunkN.length; k++) {
      const x = this.chunkN[k] * this.chunkMean[k];
      const t = sum + x;
      carry += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
      sum = t;
    }
    const mean = (sum + carry) / this.n;
    let m2 = 0;
    for (let k = 0; k < this.chunkN.length; k++) {
      const d = this.chunkMean[k] - mean;
      m2 += this.chunkM2[k] + this.chunkN[k] * d * d;
    }
    return { min: this.min, max: this.max, mean, stdev: Math.sqrt(m2 / this.n) };
  }

  private addFirst(words: Int32Array, values: Float32Array): void {
    // The loops live in small functions of their own: V8 then optimises each with full type feedback
    // instead of deoptimising this method at every chunk.
    const acc = this.acc;
    acc[0] = 0;
    acc[1] = 0;
    acc[2] = this.min;
    acc[3] = this.max;
    acc[4] = 0;
    acc[5] = 0;
    acc[6] = 0;
    scanChunk(words, values, this.hiHist!, acc);
    const n = acc[0];
    this.min = acc[2];
    this.max = acc[3];
    this.nan += acc[4];
    this.posInf += acc[5];
    this.negInf += acc[6];
    if (n > 0) {
      // Corrected two-pass moments of the chunk while it is in cache (Chan, Golub & LeVeque 1983).
      const m0 = acc[1] / n;
      deviations(words, values, m0, acc);
      const dev = acc[0];
      this.chunkN.push(n);
      this.chunkMean.push(m0 + dev / n);
      this.chunkM2.push(acc[1] - (dev * dev) / n);
      this.n += n;
    }
  }

  private addSecond(words: Int32Array): void {
    // Words are still big-endian here: each is swapped into a local only.
    const b0 = this.buckets[0];
    const b1 = this.buckets.length > 1 ? this.buckets[1] : -1;
    const [h0, h1] = this.loHists;
    for (let i = 0; i < words.length; i++) {
      const x = words[i];
      const w = (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
      if ((w & 0x7f800000) === 0x7f800000) continue;
      const key = w < 0 ? ~w : w ^ -0x80000000;
      const top = key >>> 16;
      if (top === b0) h0[key & 0xffff]++;
      else if (top === b1) h1[key & 0xffff]++;
    }
  }
}

/** First-pass loop over one chunk: counts, sum, min, max and the top-16-bit key histogram into `acc`. */
function scanChunk(words: Int32Array, values: Float32Array, hist: Float64Array, acc: Float64Array): void {
  let n = 0;
  let sum = 0;
  let min = acc[2];
  let max = acc[3];
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if ((w & 0x7f800000) === 0x7f800000) {
      if (w & 0x007fffff) nan++;
      else if (w < 0) negInf++;
      else posInf++;
      continue;
    }
    const v = values[i];
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    hist[(w < 0 ? ~w : w ^ -0x80000000) >>> 16]++;
  }
  acc[0] = n;
  acc[1] = sum;
  acc[2] = min;
  acc[3] = max;
  acc[4] = nan;
  acc[5] = posInf;
  acc[6] = negInf;
}

/** Σ(v − m0) and Σ(v − m0)² of the finite values of a chunk into acc[0] and acc[1]. */
function deviations(words: Int32Array, values: Float32Array, m0: number, acc: Float64Array): void {
  let dev = 0;
  let sq = 0;
  for (let i = 0; i < words.length; i++) {
    if ((words[i] & 0x7f800000) === 0x7f800000) continue;
    const d = values[i] - m0;
    dev += d;
    sq += d * d;
  }
  acc[0] = dev;
  acc[1] = sq;
}

let warmed = false;

/**
 * Runs the chunk loops once on a few values covering every branch, so V8 has type feedback for the code
 * after each loop before it optimises the loop on a real chunk; without it the optimised loop bails out at
 * its first exit on every chunk (measured: 3× slower first pass).
 */
function warmUp(): void {
  if (warmed) return;
  warmed = true;
  const values = new Float32Array([1, -2, NaN, Infinity, -Infinity, 0, 3, 4]);
  const words = new Int32Array(values.buffer);
  const acc = new Float64Array(7);
  const hist = new Float64Array(65536);
  // Enough calls for V8 to allocate the functions' feedback vectors (lazily, after several calls).
  for (let r = 0; r < 32; r++) {
    scanChunk(words, values, hist, acc);
    deviations(words, values, 1, acc);
  }
}

/** Byte-swaps 32-bit words in place (big-endian file order to this machine's little-endian order). */
function swapWords(words: Int32Array): void {
  for (let i = 0; i < words.length; i++) {
    const x = words[i];
    words[i] = (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
  }
}

const KEY = new Int32Array(1);
const KEY_F = new Float32Array(KEY.buffer);

/** The float32 whose order-preserving key (see `addFirst`) is `key`. */
function keyToFloat(key: number): number {
  KEY[0] = key < 0 ? key ^ -0x80000000 : ~key;
  return KEY_F[0];
}

function medianOfTwo(a: number, b: number): number {
  const mid = (a + b) / 2;
  return Number.isFinite(mid) ? mid : a / 2 + b / 2;
}

/** Every figure from a histogram of stored integers (bin = unsigned stored value, or stored + 32768). */
function histogramResult(hist: Float64Array, bitpix: number, scaling: PixelScaling): StreamedStats {
  const { bscale, bzero } = scaling;
  const blank = scaling.blank;
  const phys = new Float64Array(hist.length);
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let n = 0;
  for (let u = 0; u < hist.length; u++) {
    if (!hist[u]) continue;
    const stored = bitpix === 16 && u >= 32768 ? u - 65536 : u;
    const v = stored === blank ? NaN : Math.fround(stored * bscale + bzero);
    phys[u] = v;
    if (v !== v) nan += hist[u];
    else if (v === Infinity) posInf += hist[u];
    else if (v === -Infinity) negInf += hist[u];
    else n += hist[u];
  }
  const counts = { count: n, nanCount: nan, posInfCount: posInf, negInfCount: negInf };
  if (n === 0) return { ...counts, ...EMPTY };
  // Bins in order of physical value: stored order (signed for 16 bits), reversed when BSCALE < 0.
  const order = new Int32Array(hist.length);
  for (let k = 0; k < hist.length; k++) {
    const s = bitpix === 16 ? (k + 32768) & 0xffff : k;
    order[bscale < 0 ? hist.length - 1 - k : k] = s;
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let carry = 0;
  const ranks = [Math.floor((n - 1) / 2), Math.floor(n / 2)];
  const mids = [NaN, NaN];
  let seen = 0;
  for (let k = 0; k < order.length; k++) {
    const u = order[k];
    const c = hist[u];
    const v = phys[u];
    if (!c || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    for (let r = 0; r < 2; r++) if (Number.isNaN(mids[r]) && ranks[r] < seen + c) mids[r] = v;
    seen += c;
    const x = c * v;
    const t = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const mean = (sum + carry) / n;
  let m2 = 0;
  for (let u = 0; u < hist.length; u++) {
    const v = phys[u];
    if (!hist[u] || !Number.isFinite(v)) continue;
    const d = v - mean;
    m2 += hist[u] * d * d;
  }
  return { ...counts, min, max, mean, median: medianOfTwo(mids[0], mids[1]), stdev: Math.sqrt(m2 / n) };
}
