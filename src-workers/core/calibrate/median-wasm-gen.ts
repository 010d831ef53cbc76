/**
 * Emits, for one frame count N, a WebAssembly module whose `run` computes per-pixel medians of N float32
 * columns with the median network held in SIMD registers: each group of four pixels is loaded once
 * (N vector loads), sorted by the comparators on locals and stored once, instead of the generic kernel's
 * load + store of two columns per comparator (kernels/median.as.ts, which stays as the fallback). Same
 * arithmetic as that kernel: f32x4.pmin/pmax comparators (exact without NaN), the even-N mean of the
 * middle pair in float64 rounded to float32.
 *
 * Module: exports `memory` (columns at 0, column k at k × stride bytes, then the output column, then the
 * NaN list) and `run(cols, bytes, out, list) → count`, which writes the medians of `bytes / 4` pixels at
 * `out` and, for every group of four pixels with a NaN among their values, the group's byte offset at
 * `list` (returns how many): those pixels are left to the caller's scalar path.
 */
import type { MedianNetwork } from './median-kernel.js';

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** SIMD opcodes (0xFD prefix, LEB128 sub-opcode). */
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const V128_CONST = 0x0c;
const I8X16_SHUFFLE = 0x0d;
const F32X4_NE = 0x42;
const V128_OR = 0x50;
const V128_ANY_TRUE = 0x53;
const F32X4_DEMOTE_F64X2_ZERO = 0x5e;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F32X4_PMIN = 0xea;
const F32X4_PMAX = 0xeb;
const F64X2_ADD = 0xf0;
const F64X2_MUL = 0xf2;

/** The module's bytes for `net` over `n` columns of `strideBytes` each (a multiple of 16). */
export function medianModuleBytes(n: number, net: MedianNetwork, strideBytes: number): Uint8Array {
  // Locals: params cols 0, bytes 1, out 2, list 3; i32 i 4, cnt 5, base 6; v128 v_k 7 + k, mask, t.
  const I = 4;
  const CNT = 5;
  const BASE = 6;
  const v = (k: number): number => 7 + k;
  const MASK = 7 + n;
  const T = 8 + n;
  const get = (l: number): number[] => [0x20, ...uleb(l)];
  const set = (l: number): number[] => [0x21, ...uleb(l)];
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  emit([0x41, 0], set(I), [0x41, 0], set(CNT));
  emit([0x02, 0x40, 0x03, 0x40]); // block, loop
  emit(get(I), get(1), [0x4f, 0x0d, 1]); // i >= bytes → br_if 1 (leave the block)
  emit(get(0), get(I), [0x6a], set(BASE));
  for (let k = 0; k < n; k++) emit(get(BASE), simd(V128_LOAD), [4], uleb(k * strideBytes), set(v(k)));
  emit(get(v(0)), get(v(0)), simd(F32X4_NE));
  for (let k = 1; k < n; k++) emit(get(v(k)), get(v(k)), simd(F32X4_NE), simd(V128_OR));
  emit(set(MASK), get(MASK), simd(V128_ANY_TRUE), [0x04, 0x40]); // if any lane is NaN
  emit(get(3), get(CNT), [0x41, 2, 0x74, 0x6a], get(I), [0x36, 2, 0]); // list[cnt] = i
  emit(get(CNT), [0x41, 1, 0x6a], set(CNT), [0x0b]);
  for (const [a, b] of net.pairs) {
    emit(get(v(a)), get(v(b)), simd(F32X4_PMIN), set(T));
    emit(get(v(a)), get(v(b)), simd(F32X4_PMAX), set(v(b)));
    emit(get(T), set(v(a)));
  }
  emit(get(2), get(I), [0x6a]);
  if (net.lo === net.hi) emit(get(v(net.lo)));
  else {
    const half = [0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f]; // f64x2(0.5, 0.5)
    const swapHalves = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
    // low lanes: 0.5 × (lo + hi) of lanes 0, 1
    emit(get(v(net.lo)), simd(F64X2_PROMOTE_LOW_F32X4), get(v(net.hi)), simd(F64X2_PROMOTE_LOW_F32X4));
    emit(simd(F64X2_ADD), simd(V128_CONST), half, simd(F64X2_MUL), simd(F32X4_DEMOTE_F64X2_ZERO));
    // high lanes 2, 3, moved low first
    emit(get(v(net.lo)), get(v(net.lo)), simd(I8X16_SHUFFLE), swapHalves, simd(F64X2_PROMOTE_LOW_F32X4));
    emit(get(v(net.hi)), get(v(net.hi)), simd(I8X16_SHUFFLE), swapHalves, simd(F64X2_PROMOTE_LOW_F32X4));
    emit(simd(F64X2_ADD), simd(V128_CONST), half, simd(F64X2_MUL), simd(F32X4_DEMOTE_F64X2_ZERO));
    emit(simd(I8X16_SHUFFLE), [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  }
  emit(simd(V128_STORE), [4, 0]);
  emit(get(I), [0x41], sleb(16), [0x6a], set(I), [0x0c, 0]); // i += 16; br 0 (loop)
  emit([0x0b, 0x0b], get(CNT), [0x0b]); // end loop, end block, return cnt, end
  const locals = [2, ...uleb(3), I32, ...uleb(n + 2), V128];
  const body = [...locals, ...code];
  const pages = Math.ceil(((n + 2) * strideBytes) / 65536);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 1, I32]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [2, ...name('memory'), 2, 0, ...name('run'), 0, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}
