// TAN(-SIP) pixel → ICRS for two points per SIMD instruction: the same operations in the same order as
// the JavaScript loop of batch-tan.ts (wasm has no fused multiply-add in f64x2, so each step rounds as
// there). AssemblyScript's @inline decorators keep the helpers inside the loop (binaryen leaves functions called
// more than once as calls, ≈ 1.5× slower here); prettier and eslint, which cannot parse decorators on
// functions, skip this folder's .as.ts files. Only the small-angle branch is taken here; points it does not cover are listed for the host.

// Parameter slots (each an f64 splatted to 16 bytes) written by the host at `params`.
const C1 = 0;
const C2 = 1;
const XU = 2;
const XV = 3;
const XW = 4;
const YU = 5;
const YV = 6;
const YW = 7;
const ZU = 8;
const ZV = 9;
const ZW = 10;
const ALPHA_C = 11;
const COS_DC = 12;
const SIN_DC = 13;
const DELTA_C = 14;
/** First SIP coefficient slot: A then B, each (order + 1)² slots, c[p·(order + 1) + q] of u^p v^q. */
const SIP_AT = 15;

@inline function P(params: usize, k: i32): v128 {
  return v128.load(params + ((<usize>k) << 4));
}

@inline function mul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}

@inline function add(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}

@inline function k(c: f64): v128 {
  return f64x2.splat(c);
}

/** Σ c[p][q] u^p v^q with the host's unrolled forms for orders 2, 3, 4 and Horner's rule above. */
@inline function poly(params: usize, at: i32, order: i32, u: v128, v: v128): v128 {
  if (order == 2) {
    // c00 + v(c01 + v c02) + u(c10 + v c11 + u c20), n1 = 3
    return add(
      add(P(params, at), mul(v, add(P(params, at + 1), mul(v, P(params, at + 2))))),
      mul(u, add(add(P(params, at + 3), mul(v, P(params, at + 4))), mul(u, P(params, at + 6)))),
    );
  }
  if (order == 3) {
    // n1 = 4: c(p, q) at p·4 + q
    return add(
      add(P(params, at), mul(v, add(P(params, at + 1), mul(v, add(P(params, at + 2), mul(v, P(params, at + 3))))))),
      mul(
        u,
        add(
          add(P(params, at + 4), mul(v, add(P(params, at + 5), mul(v, P(params, at + 6))))),
          mul(u, add(add(P(params, at + 8), mul(v, P(params, at + 9))), mul(u, P(params, at + 12)))),
        ),
      ),
    );
  }
  if (order == 4) {
    // n1 = 5: c(p, q) at p·5 + q
    return add(
      add(
        P(params, at),
        mul(
          v,
          add(
            P(params, at + 1),
            mul(v, add(P(params, at + 2), mul(v, add(P(params, at + 3), mul(v, P(params, at + 4)))))),
          ),
        ),
      ),
      mul(
        u,
        add(
          add(
            P(params, at + 5),
            mul(v, add(P(params, at + 6), mul(v, add(P(params, at + 7), mul(v, P(params, at + 8)))))),
          ),
          mul(
            u,
            add(
              add(P(params, at + 10), mul(v, add(P(params, at + 11), mul(v, P(params, at + 12))))),
              mul(u, add(add(P(params, at + 15), mul(v, P(params, at + 16))), mul(u, P(params, at + 20)))),
            ),
          ),
        ),
      ),
    );
  }
  const n1 = order + 1;
  let s = k(0);
  for (let p = order; p >= 0; p--) {
    let r = k(0);
    const base = at + p * n1;
    for (let q = order - p; q >= 0; q--) r = add(mul(r, v), P(params, base + q));
    s = add(mul(s, u), r);
  }
  return s;
}

/** atan(t) by its Maclaurin series, z = t²: to t⁷ when `short` (every |t| ≤ 0.01), else to t¹⁵ (|t| ≤ 0.1). */
@inline function atanSmall(t: v128, z: v128, short: bool): v128 {
  if (short) return mul(t, add(k(1), mul(z, add(k(-1.0 / 3), mul(z, add(k(1.0 / 5), mul(z, k(-1.0 / 7))))))));
  let s = add(k(1.0 / 13), mul(z, k(-1.0 / 15)));
  s = add(k(-1.0 / 11), mul(z, s));
  s = add(k(1.0 / 9), mul(z, s));
  s = add(k(-1.0 / 7), mul(z, s));
  s = add(k(1.0 / 5), mul(z, s));
  s = add(k(-1.0 / 3), mul(z, s));
  return mul(t, add(k(1), mul(z, s)));
}

/**
 * Writes ICRS degrees at `ra`, `dec` for the `n` 0-based pixels at `xs`, `ys` (f64; buffers hold an even
 * count, so the last pair may read one value past n) and returns how many points it left to the host, their
 * indices (i32, ascending) at `left`: those whose angles are outside the series' range (|t| > 0.1, e.g. near
 * a pole, or the far side of the sphere) or not finite. `order` is the SIP order (0: no SIP; 2–9). `wrap`:
 * the tangent point is within 0.1 rad of α = 0, so α may need bringing into [0, 2π) (elsewhere |α − α_c| ≤ 0.1
 * keeps it there).
 */
export function tanSipChunk(
  xs: usize,
  ys: usize,
  ra: usize,
  dec: usize,
  n: i32,
  params: usize,
  order: i32,
  wrap: bool,
  left: usize,
): i32 {
  const c1 = P(params, C1);
  const c2 = P(params, C2);
  const xU = P(params, XU);
  const xV = P(params, XV);
  const xW = P(params, XW);
  const yU = P(params, YU);
  const yV = P(params, YV);
  const yW = P(params, YW);
  const zU = P(params, ZU);
  const zV = P(params, ZV);
  const zW = P(params, ZW);
  const alphaC = P(params, ALPHA_C);
  const cd = P(params, COS_DC);
  const sd = P(params, SIN_DC);
  const deltaC = P(params, DELTA_C);
  const bAt = SIP_AT + (order + 1) * (order + 1);
  const small2 = k(0.01);
  const zero = k(0);
  const twoPi = k(2 * Math.PI);
  const r2d = k(180 / Math.PI);
  const shortZ = k(1e-4);
  let found = 0;
  for (let i = 0; i < n; i += 2) {
    const off = (<usize>i) << 3;
    let u = f64x2.sub(v128.load(xs + off), c1);
    let v = f64x2.sub(v128.load(ys + off), c2);
    if (order > 0) {
      const du = poly(params, SIP_AT, order, u, v);
      v = add(v, poly(params, bAt, order, u, v));
      u = add(u, du);
    }
    const vx = add(add(mul(xU, u), mul(xV, v)), xW);
    const vy = add(add(mul(yU, u), mul(yV, v)), yW);
    const vz = add(add(mul(zU, u), mul(zV, v)), zW);
    const rho = f64x2.sqrt(add(mul(vx, vx), mul(vy, vy)));
    const p = add(mul(rho, cd), mul(vz, sd));
    const q = f64x2.sub(mul(vz, cd), mul(rho, sd));
    const ta = f64x2.div(vy, vx);
    const td = f64x2.div(q, p);
    const za = mul(ta, ta);
    const zd = mul(td, td);
    // |t| ≤ 0.1 on the near side (vx, p > 0); a NaN fails every comparison.
    const ok = v128.and(
      v128.and(f64x2.gt(vx, zero), f64x2.le(za, small2)),
      v128.and(f64x2.gt(p, zero), f64x2.le(zd, small2)),
    );
    if (!i64x2.all_true(ok)) {
      if (i64x2.extract_lane(ok, 0) == 0) {
        store<i32>(left + ((<usize>found) << 2), i);
        found++;
      }
      if (i64x2.extract_lane(ok, 1) == 0 && i + 1 < n) {
        store<i32>(left + ((<usize>found) << 2), i + 1);
        found++;
      }
    }
    const short = i64x2.all_true(v128.and(f64x2.le(za, shortZ), f64x2.le(zd, shortZ)));
    let a = add(alphaC, atanSmall(ta, za, short));
    if (wrap) a = f64x2.sub(add(a, v128.and(f64x2.lt(a, zero), twoPi)), v128.and(f64x2.ge(a, twoPi), twoPi));
    v128.store(ra + off, mul(a, r2d));
    v128.store(dec + off, mul(add(deltaC, atanSmall(td, zd, short)), r2d));
  }
  return found;
}
