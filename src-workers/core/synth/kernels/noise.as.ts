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

function word(): i32 {
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
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
  kn = knTable;
  wn = wnTable;
  fn = fnTable;
  for (let i = 0; i < n; i++) {
    const hz = word();
    const iz = hz & 127;
    const p = pixels + ((<usize>i) << 3);
    if (below(hz, iz)) store<f64>(p, load<f64>(p) + sigma * <f64>hz * wnAt(iz));
    else store<f64>(p, load<f64>(p) + sigma * tail(hz, iz));
  }
}
