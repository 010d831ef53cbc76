import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';

export interface StarProfile {
  /** Refined centroid (0-based pixel centres). */
  x: number;
  y: number;
  background: number;
  radiusPx: Float64Array;
  value: Float64Array;
  /** Curve of growth: background-subtracted flux inside each radius. */
  cogRadiusPx: Float64Array;
  cogFlux: Float64Array;
  fwhmPx: number | null;
  /** Peak value of the object (ADU, background included). */
  peak: number;
  /**
   * The core is clipped: at least 3 pixels within 2 px of the centroid sit at the peak value (within
   * 0.1 % of peak − background), or the peak reaches the header's SATURATE level. The profile of such
   * an object is flat-topped and its FWHM means nothing.
   */
  saturated: boolean;
}

/** How a clicked object is described: a star, a saturated object, or something wider than the seeing. */
export type ProfileKind = 'star' | 'saturated' | 'extended';

/**
 * A profile wider than twice the frame's typical star FWHM is an extended object (a galaxy, a nebula
 * knot, a blend), not a star; saturated wins over both, since its FWHM is not measured.
 */
export function profileKind(profile: StarProfile, frameFwhmPx: number | null | undefined): ProfileKind {
  if (profile.saturated) return 'saturated';
  if (frameFwhmPx && profile.fwhmPx !== null && profile.fwhmPx > 2 * frameFwhmPx) return 'extended';
  return 'star';
}

/**
 * Radial profile and curve of growth around a clicked position: centroid refined by a background-
 * subtracted first moment in a 5 px box, background = median of the 12–18 px annulus. View logic only;
 * the pipeline's photometry lives in `core/photometry`.
 */
export function starProfile(
  pixels: PixelsDto,
  x0: number,
  y0: number,
  maxRadiusPx = 12,
  saturationAdu: number | null = null,
): StarProfile | null {
  const { width, height, data } = pixels;
  const at = (x: number, y: number): number =>
    x >= 0 && y >= 0 && x < width && y < height ? data[y * width + x] : Number.NaN;
  const ring: number[] = [];
  for (let dy = -18; dy <= 18; dy++) {
    for (let dx = -18; dx <= 18; dx++) {
      const r = Math.hypot(dx, dy);
      const v = at(Math.round(x0) + dx, Math.round(y0) + dy);
      if (r >= 12 && r <= 18 && v === v) ring.push(v);
    }
  }
  if (ring.length < 10) return null;
  ring.sort((a, b) => a - b);
  const background = ring[ring.length >> 1];
  let cx = Math.round(x0);
  let cy = Math.round(y0);
  for (let iter = 0; iter < 3; iter++) {
    let sw = 0,
      sx = 0,
      sy = 0;
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const w = at(Math.round(cx) + dx, Math.round(cy) + dy) - background;
        if (w > 0) {
          sw += w;
          sx += w * (Math.round(cx) + dx);
          sy += w * (Math.round(cy) + dy);
        }
      }
    }
    if (sw <= 0) break;
    cx = sx / sw;
    cy = sy / sw;
  }
  const radii: number[] = [];
  const values: number[] = [];
  const R = Math.ceil(maxRadiusPx);
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      const px = Math.round(cx) + dx;
      const py = Math.round(cy) + dy;
      const r = Math.hypot(px - cx, py - cy);
      const v = at(px, py);
      if (r <= maxRadiusPx && v === v) {
        radii.push(r);
        values.push(v - background);
      }
    }
  }
  const order = radii.map((_, i) => i).sort((a, b) => radii[a] - radii[b]);
  const radiusPx = Float64Array.from(order, (i) => radii[i]);
  const value = Float64Array.from(order, (i) => values[i]);
  const steps = 2 * R;
  const cogRadiusPx = new Float64Array(steps);
  const cogFlux = new Float64Array(steps);
  let k = 0;
  let acc = 0;
  for (let s = 0; s < steps; s++) {
    const r = ((s + 1) * maxRadiusPx) / steps;
    while (k < radiusPx.length && radiusPx[k] <= r) acc += value[k++];
    cogRadiusPx[s] = r;
    cogFlux[s] = acc;
  }
  // FWHM: the radius where the profile falls below half its peak, doubled.
  const peak = value.length ? Math.max(...value.slice(0, 5)) : 0;
  let fwhmPx: number | null = null;
  if (peak > 0) {
    for (let i = 0; i < radiusPx.length; i++) {
      if (value[i] < peak / 2 && radiusPx[i] > 0.5) {
        fwhmPx = 2 * radiusPx[i];
        break;
      }
    }
  }
  // Saturation: a clipped core is a plateau of (nearly) equal values at the top.
  let top = -Infinity;
  const core: number[] = [];
  for (let i = 0; i < radiusPx.length && radiusPx[i] <= 2; i++) {
    core.push(value[i]);
    top = Math.max(top, value[i]);
  }
  const atTop = core.filter((v) => v >= top - 1e-3 * Math.abs(top)).length;
  const peakAdu = top + background;
  const saturated = (top > 0 && atTop >= 3) || (saturationAdu !== null && peakAdu >= saturationAdu);
  return {
    x: cx,
    y: cy,
    background,
    radiusPx,
    value,
    cogRadiusPx,
    cogFlux,
    fwhmPx: saturated ? null : fwhmPx,
    peak: peakAdu,
    saturated,
  };
}
