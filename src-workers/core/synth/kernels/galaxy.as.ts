// The elliptical Gaussian galaxy of a parity image, already convolved with its blur (parity.ts derives
// the quadratic form and the amplitude).
import { exp } from './js-math.as';

/** Math.round's rounding: halves toward +∞. */
function roundHalfUp(v: f64): f64 {
  const c = Math.ceil(v);
  return c - 0.5 <= v ? c : c - 1;
}

/**
 * Adds amplitude·exp(−½(a11·dx² + 2·a12·dx·dy + a22·dy²)), dx = x − cx, dy = y − cy, to the `size`²
 * float64 image at `pixels`. Along a row the Gaussian obeys f(x+1) = f(x)·r(x), r(x+1) = r(x)·k with
 * k = exp(−a11): three exponentials per row instead of one per pixel. Each row starts at its peak and
 * walks outward, so values only shrink (no overflow, harmless underflow); the relative error stays ~1e-14.
 */
export function addGalaxy(
  pixels: usize,
  size: i32,
  cx: f64,
  cy: f64,
  amplitude: f64,
  a11: f64,
  a12: f64,
  a22: f64,
  k: f64,
): void {
  for (let y = 0; y < size; y++) {
    const dy = <f64>y - cy;
    const row = pixels + ((<usize>(y * size)) << 3);
    const peak = <i32>Math.min(<f64>(size - 1), Math.max(0, roundHalfUp(cx - (a12 * dy) / a11)));
    const dx = <f64>peak - cx;
    const f0 = amplitude * exp(-0.5 * (a11 * dx * dx + 2 * a12 * dx * dy + a22 * dy * dy));
    if (f0 == 0) continue;
    let q = row + ((<usize>peak) << 3);
    store<f64>(q, load<f64>(q) + f0);
    // The walks right and left of the peak are independent chains of products: stepping both in one
    // loop lets the second fill the first's multiply latency. Each chain does exactly its own steps.
    let xr = peak + 1;
    let fr = f0;
    let rr = exp(-(a11 * (dx + 0.5) + a12 * dy));
    let xl = peak - 1;
    let fl = f0;
    let rl = exp(a11 * (dx - 0.5) + a12 * dy);
    let right = xr < size && fr > 0;
    let left = xl >= 0 && fl > 0;
    while (right && left) {
      fr *= rr;
      rr *= k;
      q = row + ((<usize>xr) << 3);
      store<f64>(q, load<f64>(q) + fr);
      fl *= rl;
      rl *= k;
      q = row + ((<usize>xl) << 3);
      store<f64>(q, load<f64>(q) + fl);
      right = ++xr < size && fr > 0;
      left = --xl >= 0 && fl > 0;
    }
    for (; right; right = ++xr < size && fr > 0) {
      fr *= rr;
      rr *= k;
      q = row + ((<usize>xr) << 3);
      store<f64>(q, load<f64>(q) + fr);
    }
    for (; left; left = --xl >= 0 && fl > 0) {
      fl *= rl;
      rl *= k;
      q = row + ((<usize>xl) << 3);
      store<f64>(q, load<f64>(q) + fl);
    }
  }
}
