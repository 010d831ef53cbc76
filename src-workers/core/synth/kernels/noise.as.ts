// Standard-normal noise by the ziggurat method (Marsaglia & Tsang 2000, 128 layers) on a private
// xoshiro128** stream. The tables (KN i32[128], WN f64[128], FN f64[128]) are computed by the host
// (ziggurat.ts) and passed by address, so both sides use the same constants.
import { exp, log } from './js-math.as';

const R: f64 = 3.442619855899;

let s0: i32 = 0;
let s1: i32 = 0;
let s2: i32 = 0;
let s3: i32 = 0;
let kn: usize = 0;
let wn: usize = 0;
let fn: usize = 0;

/** Sets the xoshiro128** state that `word` steps (not all zero). */
export function setStream(a: i32, b: i32, c: i32, d: i32): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

/** The next 32-bit output of the xoshiro128** stream. */
export function word(): i32 {
  const result = rotl<i32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<i32>(s3, 11);
  return result;
}

/** Uniform in (0, 1). */
function uniform(): f64 {
  return (<f64>(<u32>word()) + 0.5) / 4294967296.0;
}

function knAt(i: i32): i32 {
  return load<i32>(kn + ((<usize>i) << 2));
}

function wnAt(i: i32): f64 {
  return load<f64>(wn + ((<usize>i) << 3));
}

function fnAt(i: i32): f64 {
  return load<f64>(fn + ((<usize>i) << 3));
}

/** |hz| < KN[iz], with |−2³¹| = 2³¹ as in JavaScript (an i32 abs would wrap it to −2³¹). */
function below(hz: i32, iz: i32): bool {
  return <u32>abs<i32>(hz) < <u32>knAt(iz);
}

/** The rare slow path: the wedges between layers and the base layer's tail. */
function tail(hz: i32, iz: i32): f64 {
  while (true) {
    const x = <f64>hz * wnAt(iz);
    if (iz == 0) {
      let xt: f64;
      let y: f64;
      do {
        xt = -log(uniform()) / R;
        y = -log(uniform());
      } while (y + y < xt * xt);
      return hz > 0 ? R + xt : -R - xt;
    }
    if (fnAt(iz) + uniform() * (fnAt(iz - 1) - fnAt(iz)) < exp(-0.5 * x * x)) return x;
    hz = word();
    iz = hz & 127;
    if (below(hz, iz)) return <f64>hz * wnAt(iz);
  }
  return 0;
}

/**
 * Adds sigma × a standard-normal deviate to each of the `n` float64 at `pixels`, in index order, from the
 * xoshiro128** state (a, b, c, d) (not all zero).
 */
export function addNormalNoise(
  pixels: usize,
  n: i32,
  sigma: f64,
  a: i32,
  b: i32,
  c: i32,
  d: i32,
  knTable: usize,
  wnTable: usize,
  fnTable: usize,
): void {
  kn = knTable;
  wn = wnTable;
  fn = fnTable;
  // The fast path keeps the state in locals; the slow path works on the globals, synced around it.
  let x0 = a;
  let x1 = b;
  let x2 = c;
  let x3 = d;
  const end = pixels + ((<usize>n) << 3);
  for (let p = pixels; p < end; p += 8) {
    const hz = rotl<i32>(x1 * 5, 7) * 9;
    const t = x1 << 9;
    x2 ^= x0;
    x3 ^= x1;
    x1 ^= x2;
    x0 ^= x3;
    x2 ^= t;
    x3 = rotl<i32>(x3, 11);
    const iz = hz & 127;
    if (<u32>abs<i32>(hz) < <u32>load<i32>(knTable + ((<usize>iz) << 2))) {
      store<f64>(p, load<f64>(p) + sigma * <f64>hz * load<f64>(wnTable + ((<usize>iz) << 3)));
    } else {
      s0 = x0;
      s1 = x1;
      s2 = x2;
      s3 = x3;
      store<f64>(p, load<f64>(p) + sigma * tail(hz, iz));
      x0 = s0;
      x1 = s1;
      x2 = s2;
      x3 = s3;
    }
  }
}
