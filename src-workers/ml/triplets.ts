import type { Image } from '../core/image/image.js';
import { createRng, deriveSeed, type Rng } from '../core/random/index.js';
import { madStd } from '../core/stats/index.js';
import { pointSpread } from '../core/synth/inject.js';

/**
 * Training triplets (science, reference, difference) cut from a frame, for real/bogus sets with truth.
 *
 * Reals: a point source (Gaussian or Moffat, FWHM 2.5–4 px, S/N 5–80) added to the science stamp near
 * its centre, as owb synth's injection mode adds them. Bogus, in equal parts: a cosmic-ray hit (1–4
 * sharp adjacent pixels), a hot pixel, a bad subtraction (a star in both images with the reference copy
 * shifted by 0.5–1.5 px and its flux off by up to 15 %, leaving a dipole) and an empty place. Reference
 * and science each get their own Gaussian noise (σ of the frame; half that for the reference, a deeper
 * stack), so the difference carries noise like a real one. The triplet of sample i depends only on the
 * seed and i.
 */
export interface Triplet {
  label: 0 | 1;
  kind: 'injected' | 'cosmic' | 'hot-pixel' | 'dipole' | 'empty';
  x: number;
  y: number;
  science: Float32Array;
  reference: Float32Array;
  difference: Float32Array;
}

export function frameNoiseSigma(frame: Image): number {
  const step = Math.max(1, Math.floor(frame.data.length / 200000));
  const sample: number[] = [];
  for (let i = 0; i < frame.data.length; i += step) if (Number.isFinite(frame.data[i])) sample.push(frame.data[i]);
  const s = madStd(sample);
  return s > 0 ? s : 1;
}

function addPsf(stamp: Float32Array, size: number, x: number, y: number, flux: number, rng: Rng): void {
  const fwhm = rng.uniform(2.5, 4);
  const kind = rng.next() < 0.5 ? 'gaussian' : 'moffat';
  const cx = Math.round(x);
  const cy = Math.round(y);
  const radius = Math.ceil(3 * fwhm);
  const psf = pointSpread(kind, fwhm, 3, x - cx, y - cy, radius);
  const n = 2 * radius + 1;
  for (let j = 0; j < n; j++) {
    const py = cy + j - radius;
    if (py < 0 || py >= size) continue;
    for (let i = 0; i < n; i++) {
      const px = cx + i - radius;
      if (px >= 0 && px < size) stamp[py * size + px] += flux * psf[j * n + i];
    }
  }
}

/** Flux of a PSF of FWHM ≈ 3 px reaching signal-to-noise `snr` over background noise σ. */
function fluxForSnr(snr: number, sigma: number): number {
  const sigmaPsf = 3 / 2.3548;
  return snr * sigma * Math.sqrt(4 * Math.PI * sigmaPsf * sigmaPsf);
}

/** Sample i of a triplet set cut from `frame` (odd `size`, e.g. 63); `label` alternates 1, 0, 1, 0, … */
export function makeTriplet(frame: Image, sigma: number, size: number, seed: number, i: number): Triplet {
  const rng = createRng(deriveSeed(seed, i));
  const label: 0 | 1 = i % 2 === 0 ? 1 : 0;
  const half = (size - 1) / 2;
  const x0 = rng.int(frame.width - size);
  const y0 = rng.int(frame.height - size);
  const base = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = frame.data[(y0 + y) * frame.width + x0 + x];
      base[y * size + x] = Number.isFinite(v) ? v : 0;
    }
  const science = Float32Array.from(base, (v) => v + sigma * rng.normal());
  const reference = Float32Array.from(base, (v) => v + 0.5 * sigma * rng.normal());
  // Up to 3 px off centre, as a candidate's position from a detection on the difference is.
  const cx = half + rng.uniform(-3, 3);
  const cy = half + rng.uniform(-3, 3);
  let kind: Triplet['kind'];
  if (label === 1) {
    kind = 'injected';
    addPsf(science, size, cx, cy, fluxForSnr(rng.uniform(4, 60), sigma), rng);
  } else {
    kind = (['cosmic', 'hot-pixel', 'dipole', 'empty'] as const)[rng.int(4)];
    const c = Math.round(cy) * size + Math.round(cx);
    if (kind === 'cosmic') {
      const length = 1 + rng.int(4);
      const step = [1, size, size + 1, size - 1][rng.int(4)];
      for (let k = 0; k < length; k++) science[c + k * step] += sigma * rng.uniform(10, 150);
    } else if (kind === 'hot-pixel') {
      science[c] += sigma * rng.uniform(5, 300);
    } else if (kind === 'dipole') {
      const flux = fluxForSnr(rng.uniform(20, 200), sigma);
      const angle = rng.uniform(0, 2 * Math.PI);
      const shift = rng.uniform(0.5, 1.5);
      addPsf(science, size, cx, cy, flux, createRng(deriveSeed(seed ^ 0x5bd1e995, i)));
      addPsf(
        reference,
        size,
        cx + shift * Math.cos(angle),
        cy + shift * Math.sin(angle),
        flux * rng.uniform(0.85, 1.15),
        createRng(deriveSeed(seed ^ 0x5bd1e995, i)),
      );
    }
  }
  const difference = Float32Array.from(science, (v, k) => v - reference[k]);
  return { label, kind, x: x0 + cx, y: y0 + cy, science, reference, difference };
}
