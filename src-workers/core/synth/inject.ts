import type { Image } from '../image/image.js';
import type { Rng } from '../random/rng.js';
import type { SynthConfig } from './config.js';

/** One injected point source (the truth catalog row). Positions are 0-based pixel centres. */
export interface InjectedSource {
  id: number;
  kind: 'star' | 'transient';
  x: number;
  y: number;
  mag: number;
  /** Total injected signal (ADU), `10^(−0.4 (mag − zero_point_mag))`. */
  fluxAdu: number;
  /** For transients: the host pixel it was placed near. */
  hostX?: number;
  hostY?: number;
}

/** Sub-pixels per axis when integrating the PSF over a pixel. */
const PSF_SUPERSAMPLE = 5;

/**
 * The PSF integrated over pixels around a source at sub-pixel offset (dx, dy) ∈ [−0.5, 0.5)² from the
 * centre pixel of a (2·radius+1)² stamp, normalised to sum 1 (so the injected total is exact). Moffat
 * (1969) I ∝ (1 + r²/α²)^−β, α = FWHM / (2√(2^{1/β} − 1)); Gaussian σ = FWHM / 2√(2 ln 2).
 */
export function pointSpread(
  kind: 'gaussian' | 'moffat',
  fwhmPx: number,
  beta: number,
  dx: number,
  dy: number,
  radius: number,
): Float64Array {
  const size = 2 * radius + 1;
  const out = new Float64Array(size * size);
  const sigma2 = (fwhmPx / (2 * Math.sqrt(2 * Math.LN2))) ** 2;
  const alpha2 = (fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1))) ** 2;
  const n = PSF_SUPERSAMPLE;
  let sum = 0;
  for (let y = -radius; y <= radius; y++) {
    for (let x = -radius; x <= radius; x++) {
      let v = 0;
      for (let sy = 0; sy < n; sy++) {
        const py = y - 0.5 + (sy + 0.5) / n - dy;
        for (let sx = 0; sx < n; sx++) {
          const px = x - 0.5 + (sx + 0.5) / n - dx;
          const r2 = px * px + py * py;
          v += kind === 'gaussian' ? Math.exp(-r2 / (2 * sigma2)) : Math.pow(1 + r2 / alpha2, -beta);
        }
      }
      out[(y + radius) * size + x + radius] = v;
      sum += v;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Stamp radius used for a PSF: 4 FWHM, at least 3 px. */
export function psfRadiusPx(fwhmPx: number): number {
  return Math.max(3, Math.ceil(4 * fwhmPx));
}

/**
 * Draws the sources to inject into a frame: `sources_per_frame` positions uniform inside the edge margin,
 * magnitudes uniform in [mag_min, mag_max]; a `transient_fraction` of them are transients placed within
 * `host_offset_px` of a host, a pixel drawn from the brightest 1 % of the frame's finite pixels (galaxies
 * and stars). Draw order: per source kind, position, magnitude.
 */
export function drawInjections(frame: Image, config: SynthConfig, rng: Rng): InjectedSource[] {
  const c = config.Injection;
  const margin = Math.min(c.edge_margin_px, Math.floor((Math.min(frame.width, frame.height) - 1) / 2));
  const hosts = brightestPixels(frame, margin, 0.01);
  const out: InjectedSource[] = [];
  for (let id = 0; id < c.sources_per_frame; id++) {
    const transient = hosts.length > 0 && rng.next() < c.transient_fraction;
    let x: number;
    let y: number;
    let hostX: number | undefined;
    let hostY: number | undefined;
    if (transient) {
      const host = hosts[rng.int(hosts.length)];
      hostX = host % frame.width;
      hostY = Math.floor(host / frame.width);
      const r = c.host_offset_px * Math.sqrt(rng.next());
      const a = rng.uniform(-Math.PI, Math.PI);
      x = clamp(hostX + r * Math.cos(a), margin, frame.width - 1 - margin);
      y = clamp(hostY + r * Math.sin(a), margin, frame.height - 1 - margin);
    } else {
      x = rng.uniform(margin, frame.width - 1 - margin);
      y = rng.uniform(margin, frame.height - 1 - margin);
    }
    const mag = rng.uniform(c.mag_min, c.mag_max);
    const fluxAdu = Math.pow(10, -0.4 * (mag - c.zero_point_mag));
    out.push({ id, kind: transient ? 'transient' : 'star', x, y, mag, fluxAdu, hostX, hostY });
  }
  return out;
}

/**
 * Returns a copy of `frame` with the sources added: each source's flux times its pixel-integrated PSF;
 * with `gain_e_per_adu` > 0 the added light gets Poisson noise (in electrons, drawn from `rng` in source
 * order). Missing (NaN) pixels stay missing. Does not modify `frame`.
 */
export function injectSources(frame: Image, sources: readonly InjectedSource[], config: SynthConfig, rng: Rng): Image {
  const c = config.Injection;
  const data = new Float32Array(frame.data);
  const radius = psfRadiusPx(c.psf_fwhm_px);
  const size = 2 * radius + 1;
  for (const s of sources) {
    const cx = Math.round(s.x);
    const cy = Math.round(s.y);
    const psf = pointSpread(c.psf, c.psf_fwhm_px, c.moffat_beta, s.x - cx, s.y - cy, radius);
    for (let k = 0; k < psf.length; k++) {
      const x = cx + (k % size) - radius;
      const y = cy + Math.floor(k / size) - radius;
      if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) continue;
      let added = s.fluxAdu * psf[k];
      if (c.gain_e_per_adu > 0) added = rng.poisson(added * c.gain_e_per_adu) / c.gain_e_per_adu;
      data[y * frame.width + x] += added;
    }
  }
  return { width: frame.width, height: frame.height, data };
}

/**
 * Indices (in index order) of pixels at least `margin` from the edges whose value reaches the
 * (1 − fraction) quantile of the frame, estimated from a regular sample of at most 100 000 pixels so a
 * large frame costs one pass.
 */
function brightestPixels(frame: Image, margin: number, fraction: number): number[] {
  const n = frame.data.length;
  const stride = Math.max(1, Math.ceil(n / 100_000));
  const sample: number[] = [];
  for (let i = 0; i < n; i += stride) if (Number.isFinite(frame.data[i])) sample.push(frame.data[i]);
  if (sample.length === 0) return [];
  sample.sort((a, b) => a - b);
  const threshold = sample[Math.min(sample.length - 1, Math.floor(sample.length * (1 - fraction)))];
  const out: number[] = [];
  for (let y = margin; y < frame.height - margin; y++) {
    for (let x = margin; x < frame.width - margin; x++) {
      const i = y * frame.width + x;
      if (frame.data[i] >= threshold) out.push(i);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
