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
  const twoPi: f64 = 2 * Math.PI;
  for (let y = y0; y <= y1; y++) {
    const dy = <f64>y - cy;
    const ay = dy < 0 ? -dy : dy;
    for (let x = x0; x <= x1; x++) {
      const dx = <f64>x - cx;
      const r = Math.sqrt(dx * dx + dy * dy);
      if (r < rMin || r > rMax) continue;
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
      const q = pixels + ((<usize>(y * size + x)) << 3);
      store<f64>(q, load<f64>(q) + sum);
    }
  }
}
