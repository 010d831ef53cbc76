// The arcs of a parity lens image: ring segments Gaussian across (radius) and along (angle) the ring.
// Host side and definition: parity.ts (`addArcs`), which checks the inputs and lays out the parameters.

/** atan(a)/a as a polynomial in a² on [0, 1] (Chebyshev fit, max error 2.1e-10 rad). */
const C0: f64 = 0.9999999999537458;
const C1: f64 = -0.3333333190026412;
const C2: f64 = 0.1999992623597083;
const C3: f64 = -0.14284217563898743;
const C4: f64 = 0.11095256847684942;
const C5: f64 = -0.089901976266169;
const C6: f64 = 0.07276261265364314;
const C7: f64 = -0.05487847709301475;
const C8: f64 = 0.034962735923631985;
const C9: f64 = -0.016697622520469357;
const C10: f64 = 0.005107902142991086;
const C11: f64 = -0.0007333477987813603;

/** Gaussian terms with exponents from here on (below 2e-8 of their peak) are skipped. */
const MAX_EXPONENT: f64 = 18;
const EXP_STEP: f64 = Math.LN2 / 64;
const EXP_STEPS_PER_UNIT: f64 = 1 / EXP_STEP;

/**
 * Adds the arcs to the `size`² float64 image at `pixels` over the box [x0, x1] × [y0, y1], for pixel
 * centres at radius rMin … rMax from (cx, cy). `params` holds four float64 per arc: 1/σ_radial,
 * 1/σ_angular, direction (rad), amplitude. `expTable[j]` = exp(−j·ln2/64).
 *
 * Two pixels at a time (f64x2): every lane does exactly the scalar operations of `addArcPixel`, and the
 * branches become selects, so both forms give the same bits.
 */
export function addArcs(
  pixels: usize,
  size: i32,
  cx: f64,
  cy: f64,
  radius: f64,
  rMin: f64,
  rMax: f64,
  x0: i32,
  x1: i32,
  y0: i32,
  y1: i32,
  params: usize,
  n: i32,
  expTable: usize,
): void {
  const zero = f64x2.splat(0);
  const vcx = f64x2.splat(cx);
  const vrMin = f64x2.splat(rMin);
  const vrMax = f64x2.splat(rMax);
  const vRadius = f64x2.splat(radius);
  const vPi = f64x2.splat(Math.PI);
  const vMinusPi = f64x2.splat(-Math.PI);
  const vHalfPi = f64x2.splat(Math.PI / 2);
  const vTwoPi = f64x2.splat(2 * Math.PI);
  const vHalf = f64x2.splat(0.5);
  const vOne = f64x2.splat(1);
  const vMax = f64x2.splat(MAX_EXPONENT);
  const vSteps = f64x2.splat(EXP_STEPS_PER_UNIT);
  const vStep = f64x2.splat(EXP_STEP);
  for (let y = y0; y <= y1; y++) {
    const dy = <f64>y - cy;
    const ay = dy < 0 ? -dy : dy;
    const vay = f64x2.splat(ay);
    const vdy2 = f64x2.splat(dy * dy);
    const row = pixels + ((<usize>(y * size)) << 3);
    let x = x0;
    for (; x + 1 <= x1; x += 2) {
      const dx = f64x2.sub(f64x2.replace_lane(f64x2.splat(<f64>x), 1, <f64>(x + 1)), vcx);
      const r = f64x2.sqrt(f64x2.add(f64x2.mul(dx, dx), vdy2));
      const inside = v128.and(f64x2.ge(r, vrMin), f64x2.le(r, vrMax));
      if (!v128.any_true(inside)) continue;
      const ax = f64x2.abs(dx);
      const swap = f64x2.gt(vay, ax);
      const a = v128.bitselect(f64x2.div(ax, vay), v128.bitselect(zero, f64x2.div(vay, ax), f64x2.eq(ax, zero)), swap);
      const z = f64x2.mul(a, a);
      const z2 = f64x2.mul(z, z);
      const z4 = f64x2.mul(z2, z2);
      const z8 = f64x2.mul(z4, z4);
      const p0 = f64x2.add(f64x2.splat(C0), f64x2.mul(z, f64x2.splat(C1)));
      const p1 = f64x2.mul(z2, f64x2.add(f64x2.splat(C2), f64x2.mul(z, f64x2.splat(C3))));
      const p2 = f64x2.mul(
        z4,
        f64x2.add(
          f64x2.add(f64x2.splat(C4), f64x2.mul(z, f64x2.splat(C5))),
          f64x2.mul(z2, f64x2.add(f64x2.splat(C6), f64x2.mul(z, f64x2.splat(C7)))),
        ),
      );
      const p3 = f64x2.mul(
        z8,
        f64x2.add(
          f64x2.add(f64x2.splat(C8), f64x2.mul(z, f64x2.splat(C9))),
          f64x2.mul(z2, f64x2.add(f64x2.splat(C10), f64x2.mul(z, f64x2.splat(C11)))),
        ),
      );
      let phi = f64x2.mul(a, f64x2.add(f64x2.add(f64x2.add(p0, p1), p2), p3));
      phi = v128.bitselect(f64x2.sub(vHalfPi, phi), phi, swap);
      phi = v128.bitselect(f64x2.sub(vPi, phi), phi, f64x2.lt(dx, zero));
      if (dy < 0) phi = f64x2.neg(phi);
      let sum = zero;
      for (let k = 0; k < n; k++) {
        const p = params + ((<usize>k) << 5);
        const t = f64x2.mul(f64x2.sub(r, vRadius), f64x2.splat(load<f64>(p)));
        const d0 = f64x2.sub(phi, f64x2.splat(load<f64>(p, 16)));
        const d = v128.bitselect(
          f64x2.sub(d0, vTwoPi),
          v128.bitselect(f64x2.add(d0, vTwoPi), d0, f64x2.le(d0, vMinusPi)),
          f64x2.gt(d0, vPi),
        );
        const u = f64x2.mul(d, f64x2.splat(load<f64>(p, 8)));
        const e = f64x2.mul(vHalf, f64x2.add(f64x2.mul(t, t), f64x2.mul(u, u)));
        const near = f64x2.lt(e, vMax);
        if (!v128.any_true(near)) continue;
        // Lanes beyond the table's reach look up entry 0 and are discarded by `near`.
        const xe = v128.bitselect(f64x2.mul(e, vSteps), zero, near);
        const j = i32x4.trunc_sat_f64x2_s_zero(xe);
        const rho = f64x2.mul(f64x2.sub(xe, f64x2.convert_low_i32x4_s(j)), vStep);
        const poly = f64x2.sub(
          vOne,
          f64x2.mul(
            rho,
            f64x2.sub(
              vOne,
              f64x2.mul(
                rho,
                f64x2.sub(
                  vHalf,
                  f64x2.mul(
                    rho,
                    f64x2.sub(
                      f64x2.splat(1.0 / 6),
                      f64x2.mul(rho, f64x2.sub(f64x2.splat(1.0 / 24), f64x2.mul(rho, f64x2.splat(1.0 / 120)))),
                    ),
                  ),
                ),
              ),
            ),
          ),
        );
        const table = f64x2.replace_lane(
          f64x2.splat(load<f64>(expTable + ((<usize>i32x4.extract_lane(j, 0)) << 3))),
          1,
          load<f64>(expTable + ((<usize>i32x4.extract_lane(j, 1)) << 3)),
        );
        const term = f64x2.mul(f64x2.mul(f64x2.splat(load<f64>(p, 24)), table), poly);
        sum = f64x2.add(sum, v128.bitselect(term, zero, near));
      }
      const q = row + ((<usize>x) << 3);
      const old = v128.load(q);
      v128.store(q, v128.bitselect(f64x2.add(old, sum), old, inside));
    }
    if (x <= x1) addArcPixel(row, x, dy, ay, cx, radius, rMin, rMax, params, n, expTable);
  }
}

/** One pixel of `addArcs`, the scalar form (the row's last pixel when the box is odd). */
function addArcPixel(
  row: usize,
  x: i32,
  dy: f64,
  ay: f64,
  cx: f64,
  radius: f64,
  rMin: f64,
  rMax: f64,
  params: usize,
  n: i32,
  expTable: usize,
): void {
  const twoPi: f64 = 2 * Math.PI;
  const dx = <f64>x - cx;
  const r = Math.sqrt(dx * dx + dy * dy);
  if (r < rMin || r > rMax) return;
  // atan2(dy, dx) with one division: atan(a) = a·P(a²) on a = min/max ∈ [0, 1], then the octant.
  const ax = dx < 0 ? -dx : dx;
  const swap = ay > ax;
  const a = swap ? ax / ay : ax == 0 ? 0 : ay / ax;
  const z = a * a;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z8 = z4 * z4;
  let phi =
    a *
    (C0 +
      z * C1 +
      z2 * (C2 + z * C3) +
      z4 * (C4 + z * C5 + z2 * (C6 + z * C7)) +
      z8 * (C8 + z * C9 + z2 * (C10 + z * C11)));
  if (swap) phi = Math.PI / 2 - phi;
  if (dx < 0) phi = Math.PI - phi;
  if (dy < 0) phi = -phi;
  let sum: f64 = 0;
  for (let k = 0; k < n; k++) {
    const p = params + ((<usize>k) << 5);
    const t = (r - radius) * load<f64>(p);
    // Both angles lie in [−π, π], so one turn at most wraps the difference to (−π, π].
    let d = phi - load<f64>(p, 16);
    if (d > Math.PI) d -= twoPi;
    else if (d <= -Math.PI) d += twoPi;
    const u = d * load<f64>(p, 8);
    const e = 0.5 * (t * t + u * u);
    if (e < MAX_EXPONENT) {
      // exp(−e) = 2^(−j/64) from the table times a degree-5 Taylor polynomial of exp(−ρ), ρ < ln2/64.
      const xe = e * EXP_STEPS_PER_UNIT;
      const j = <i32>xe;
      const rho = (xe - <f64>j) * EXP_STEP;
      const poly = 1 - rho * (1 - rho * (0.5 - rho * (1.0 / 6 - rho * (1.0 / 24 - rho * (1.0 / 120)))));
      sum += load<f64>(p, 24) * load<f64>(expTable + ((<usize>j) << 3)) * poly;
    }
  }
  const q = row + ((<usize>x) << 3);
  store<f64>(q, load<f64>(q) + sum);
}
