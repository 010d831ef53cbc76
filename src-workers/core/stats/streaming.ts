/**
 * Exact statistics of data too large to hold, fed in chunks over a few passes with bounded memory
 * (≈ 1.5 MB whatever the data size): min, max, mean, population stdev and numpy's median of the finite
 * values, with NaN, +Inf and −Inf counted apart. The mean is a compensated (Neumaier) sum at a
 * power-of-two scale that follows the largest magnitude seen, so values near ±1.8e308 do not overflow
 * it, and the scaling itself is exact. The median is a radix
 * selection on the bits of the float64 values (16 bits a pass), switching to sorting the candidates
 * once they are few (see Knuth, TAOCP vol. 3, §5.2.5 for radix methods).
 */

/** Statistics of the finite values, and counts of the others. Fields are NaN when no value is finite. */
export interface StreamedStats {
  /** Number of finite values. */
  count: number;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
  min: number;
  max: number;
  mean: number;
  /** numpy's median: the middle value, or the mean of the two middle values. */
  median: number;
  /** Population standard deviation (numpy's `std` with ddof = 0). */
  stdev: number;
}

const DIGIT_BITS = 16;
const BINS = 1 << DIGIT_BITS;
/** Candidates at or below this count are collected and sorted instead of refined by another digit. */
const COLLECT_MAX = 1 << 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One rank being selected: the fixed key prefix so far, and the state of the current pass. */
interface Selector {
  rank: number;
  /** Bits of the key fixed so far (0, 16, 32, 48 or 64). */
  fixedBits: number;
  prefixHi: number;
  prefixLo: number;
  /** Values matching the prefix, and the rank of the wanted one among them. */
  matching: number;
  value: number | null;
  hist: Float64Array | null;
  collected: Float64Array | null;
  collectedCount: number;
  minMatch: number;
  maxMatch: number;
}

/** 2^e (Infinity for e ≥ 1024, exact subnormals down to 2^−1074). */
function pow2(e: number): number {
  return 2 ** e;
}

/** v × 2^e in two steps: 2^1024 overflows, though v × 2^1024 does not for |v| < 1. */
function scaleBy(v: number, e: number): number {
  return e > 1000 ? v * 2 ** (e - 1000) * 2 ** 1000 : v * 2 ** e;
}

/**
 * Accumulates `StreamedStats` over repeated passes of the same values in the same order:
 * `do { for (const chunk of data) stats.add(chunk); } while (stats.endPass());` then `stats.result()`.
 * Two passes for most data, at most five.
 */
export class StreamingStats {
  private pass = 1;
  private n = 0;
  private nan = 0;
  private posInf = 0;
  private negInf = 0;
  private min = Infinity;
  private max = -Infinity;
  /** Sum of value × 2^−exponent; every value seen so far is below 2^exponent in magnitude. */
  private scaledSum = 0;
  /** Neumaier's compensation of `scaledSum` (the low-order bits its additions lost). */
  private scaledCarry = 0;
  private exponent = 0;
  private scaledSquares = 0;
  private squaresCarry = 0;
  private scaledMean = 0;
  private firstHist: Float64Array | null = new Float64Array(BINS);
  private selectors: Selector[] = [];
  private done = false;

  /** Adds a chunk of the current pass. */
  add(values: Float64Array): void {
    if (this.done) throw new Error('StreamingStats: add after the last pass');
    const words = keyWords(values);
    if (this.pass === 1) this.addFirst(values, words);
    else this.addLater(values, words);
  }

  /** Ends a pass; true when another pass over the same values is needed. */
  endPass(): boolean {
    if (this.pass === 1) {
      const hist = this.firstHist!;
      this.firstHist = null;
      if (this.n === 0) return this.finish();
      this.scaledMean = (this.scaledSum + this.scaledCarry) / this.n;
      const ranks = [Math.floor((this.n - 1) / 2), Math.floor(this.n / 2)];
      this.selectors = ranks.map((rank) => {
        const s = newSelector(rank);
        narrow(s, hist);
        return s;
      });
    } else {
      for (const s of this.selectors) if (s.value === null) resolvePass(s);
    }
    this.pass++;
    for (const s of this.selectors) if (s.value === null) preparePass(s);
    const [a, b] = this.selectors;
    if (a.value === null && b.value === null && sameCandidates(a, b)) {
      // Shared candidates: b reads a's histogram or collection (neither is mutated before b resolves).
      b.hist = a.hist;
      b.collected = a.collected;
    }
    if (this.pass > 2 && this.selectors.every((s) => s.value !== null)) return this.finish();
    return true;
  }

  /** The statistics; valid once `endPass` has returned false. */
  result(): StreamedStats {
    if (!this.done) throw new Error('StreamingStats: result before the last pass');
    const counts = { count: this.n, nanCount: this.nan, posInfCount: this.posInf, negInfCount: this.negInf };
    if (this.n === 0) return { ...counts, min: NaN, max: NaN, mean: NaN, median: NaN, stdev: NaN };
    const [a, b] = this.selectors.map((s) => s.value as number);
    const mid = (a + b) / 2;
    return {
      ...counts,
      min: this.min,
      max: this.max,
      mean: scaleBy(this.scaledMean, this.exponent),
      median: Number.isFinite(mid) ? mid : a / 2 + b / 2,
      stdev: scaleBy(Math.sqrt((this.scaledSquares + this.squaresCarry) / this.n), this.exponent),
    };
  }

  private finish(): false {
    this.done = true;
    return false;
  }

  private addFirst(values: Float64Array, words: Int32Array): void {
    // Fields are copied to locals for the loop and written back after it: V8 keeps locals in registers.
    const hist = this.firstHist!;
    let { n, nan, posInf, negInf, min, max, scaledSum: sum, scaledCarry: carry, exponent } = this;
    let bound = pow2(exponent);
    let inv = pow2(-exponent);
    const hiAt = LITTLE_ENDIAN ? 1 : 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) {
        nan++;
        continue;
      }
      if (v === Infinity) {
        posInf++;
        continue;
      }
      if (v === -Infinity) {
        negInf++;
        continue;
      }
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
      const mag = v < 0 ? -v : v;
      if (mag >= bound) {
        let e = Math.max(exponent + 1, Math.floor(Math.log2(mag)) + 1);
        while (pow2(e) <= mag) e++;
        sum *= pow2(exponent - e);
        carry *= pow2(exponent - e);
        exponent = e;
        bound = pow2(e);
        inv = pow2(-e);
      }
      // Neumaier-compensated summation: exact to a few ulp of the sum whatever n is.
      const x = v * inv;
      const t = sum + x;
      carry += (sum >= 0 ? sum : -sum) >= (x >= 0 ? x : -x) ? sum - t + x : x - t + sum;
      sum = t;
      hist[orderedHi(words[2 * i + hiAt]) >>> 16]++;
    }
    Object.assign(this, { n, nan, posInf, negInf, min, max, scaledSum: sum, scaledCarry: carry, exponent });
  }

  private addLater(values: Float64Array, words: Int32Array): void {
    const inv = pow2(-this.exponent);
    const hiAt = LITTLE_ENDIAN ? 1 : 0;
    const loAt = 1 - hiAt;
    const open = this.selectors.filter((s) => s.value === null);
    if (this.pass === 2) {
      const mean = this.scaledMean;
      let sq = this.scaledSquares;
      let carry = this.squaresCarry;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v || v === Infinity || v === -Infinity) continue;
        const d = v * inv - mean;
        const x = d * d;
        const t = sq + x;
        // Neumaier compensation (both terms are ≥ 0).
        carry += sq >= x ? sq - t + x : x - t + sq;
        sq = t;
      }
      this.scaledSquares = sq;
      this.squaresCarry = carry;
    }
    // The two middle ranks usually share their prefix: then one visit serves both.
    const [a, b] = open;
    if (b && sameCandidates(a, b)) {
      visitAll(a, values, words, hiAt, loAt);
      b.collectedCount = a.collectedCount;
      b.minMatch = a.minMatch;
      b.maxMatch = a.maxMatch;
    } else {
      for (const s of open) visitAll(s, values, words, hiAt, loAt);
    }
  }
}

/** Feeds one chunk to a selector: candidates matching its prefix are histogrammed or collected. */
function visitAll(s: Selector, values: Float64Array, words: Int32Array, hiAt: number, loAt: number): void {
  const bits = s.fixedBits;
  const maskHi = bits >= 32 ? -1 : bits === 0 ? 0 : -1 << (32 - bits);
  const maskLo = bits >= 64 ? -1 : bits <= 32 ? 0 : -1 << (64 - bits);
  const prefixHi = s.prefixHi | 0;
  const prefixLo = s.prefixLo | 0;
  const inHi = bits < 32;
  const shift = inHi ? 16 - bits : 48 - bits;
  const hist = s.hist;
  const collected = s.collected;
  let count = s.collectedCount;
  let minMatch = s.minMatch;
  let maxMatch = s.maxMatch;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || v === Infinity || v === -Infinity) continue;
    const rawHi = words[2 * i + hiAt];
    const hi = orderedHi(rawHi);
    if ((hi & maskHi) !== prefixHi) continue;
    const lo = orderedLo(rawHi, words[2 * i + loAt]);
    if ((lo & maskLo) !== prefixLo) continue;
    if (v < minMatch) minMatch = v;
    if (v > maxMatch) maxMatch = v;
    if (collected) {
      if (count < collected.length) collected[count++] = v;
    } else {
      hist![((inHi ? hi : lo) >>> shift) & 0xffff]++;
    }
  }
  s.collectedCount = count;
  s.minMatch = minMatch;
  s.maxMatch = maxMatch;
}

/** An Int32Array view of a Float64Array's words (always aligned: a Float64Array starts on 8 bytes). */
function keyWords(values: Float64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * High word of the order-preserving key of a float64, as the bits of an int32: negative values have
 * every bit flipped, others only the sign bit, so unsigned order of keys is numeric order of values.
 */
function orderedHi(hi: number): number {
  return hi < 0 ? ~hi : hi ^ -0x80000000;
}

function orderedLo(hi: number, lo: number): number {
  return hi < 0 ? ~lo : lo;
}

function newSelector(rank: number): Selector {
  return {
    rank,
    fixedBits: 0,
    prefixHi: 0,
    prefixLo: 0,
    matching: 0,
    value: null,
    hist: null,
    collected: null,
    collectedCount: 0,
    minMatch: Infinity,
    maxMatch: -Infinity,
  };
}

/** Fixes the next 16 bits from a histogram of the values matching the prefix. */
function narrow(s: Selector, hist: Float64Array): void {
  let below = 0;
  let digit = 0;
  for (; digit < BINS; digit++) {
    if (below + hist[digit] > s.rank) break;
    below += hist[digit];
  }
  s.rank -= below;
  s.matching = hist[digit];
  const at = s.fixedBits;
  if (at < 32) s.prefixHi = (s.prefixHi | (digit << (16 - at))) >>> 0;
  else s.prefixLo = (s.prefixLo | (digit << (48 - at))) >>> 0;
  s.fixedBits += DIGIT_BITS;
}

function sameCandidates(a: Selector, b: Selector): boolean {
  return a.fixedBits === b.fixedBits && a.prefixHi === b.prefixHi && a.prefixLo === b.prefixLo;
}

function preparePass(s: Selector): void {
  s.minMatch = Infinity;
  s.maxMatch = -Infinity;
  if (s.matching <= COLLECT_MAX || s.fixedBits >= 64) {
    s.collected = new Float64Array(s.matching);
    s.collectedCount = 0;
    s.hist = null;
  } else {
    s.hist = new Float64Array(BINS);
    s.collected = null;
  }
}

function resolvePass(s: Selector): void {
  if (s.minMatch === s.maxMatch) {
    // Every candidate has the same value (integer data, or a saturated plateau).
    s.value = s.minMatch;
  } else if (s.collected) {
    const c = s.collected.subarray(0, s.collectedCount).sort();
    s.value = c[s.rank];
  } else {
    narrow(s, s.hist!);
  }
  s.hist = null;
  s.collected = null;
}
