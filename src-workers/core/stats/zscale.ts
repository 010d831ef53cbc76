/**
 * IRAF's zscale display limits (IRAF `display` task; astropy.visualization.ZScaleInterval), reproducing
 * astropy's implementation step by step: evenly strided samples, iterative linear fit with k-sigma
 * rejection grown by 1 % of the sample count, then the fitted slope divided by the contrast around the
 * median.
 */
import { medianInPlace, type Numbers } from './basic.js';

export interface ZScaleOptions {
  /** Samples drawn (every `stride`-th finite value) [1000]. */
  nSamples?: number;
  /** Slope divisor [0.25]. */
  contrast?: number;
  /** Largest rejected fraction before giving up on the fit [0.5]. */
  maxReject?: number;
  /** Minimum surviving samples [5]. */
  minNpixels?: number;
  /** Rejection threshold in standard deviations [2.5]. */
  krej?: number;
  /** Fit iterations [5]. */
  maxIterations?: number;
}

/** [vmin, vmax] display limits; NaN and ±Infinity are skipped. */
export function zscale(data: Numbers, options: ZScaleOptions = {}): [number, number] {
  const nSamples = options.nSamples ?? 1000;
  const contrast = options.contrast ?? 0.25;
  const maxReject = options.maxReject ?? 0.5;
  const minNpixels = options.minNpixels ?? 5;
  const krej = options.krej ?? 2.5;
  const maxIterations = options.maxIterations ?? 5;
  let finite = 0;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) finite++;
  if (finite === 0) return [Number.NaN, Number.NaN];
  const stride = Math.max(1, Math.trunc(finite / nSamples));
  const picked: number[] = [];
  let seen = 0;
  for (let i = 0; i < data.length && picked.length < nSamples; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (seen % stride === 0) picked.push(v);
    seen++;
  }
  const samples = Float64Array.from(picked).sort();
  const npix = samples.length;
  let vmin = samples[0];
  let vmax = samples[npix - 1];
  let badpix = new Uint8Array(npix);
  let ngoodpix = npix;
  let lastNgoodpix = npix + 1;
  const minpix = Math.max(minNpixels, Math.trunc(npix * maxReject));
  const ngrow = Math.max(1, Math.trunc(npix * 0.01));
  let slope = 0;
  for (let iter = 0; iter < maxIterations; iter++) {
    if (ngoodpix >= lastNgoodpix || ngoodpix < minpix) break;
    // Least-squares line through the good samples (x = sample index).
    let sw = 0,
      sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0;
    for (let i = 0; i < npix; i++) {
      if (badpix[i]) continue;
      sw++;
      sx += i;
      sy += samples[i];
      sxx += i * i;
      sxy += i * samples[i];
    }
    const det = sw * sxx - sx * sx;
    slope = det !== 0 ? (sw * sxy - sx * sy) / det : 0;
    const intercept = (sy - slope * sx) / sw;
    const flat = new Float64Array(npix);
    let m = 0;
    for (let i = 0; i < npix; i++) {
      flat[i] = samples[i] - (intercept + slope * i);
      if (!badpix[i]) m += flat[i];
    }
    m /= sw;
    let ss = 0;
    for (let i = 0; i < npix; i++) if (!badpix[i]) ss += (flat[i] - m) * (flat[i] - m);
    const threshold = krej * Math.sqrt(ss / sw);
    for (let i = 0; i < npix; i++) if (flat[i] < -threshold || flat[i] > threshold) badpix[i] = 1;
    // numpy.convolve(badpix, ones(ngrow), 'same'): out[i] = OR of badpix[i + (L−1)//2 − j], j in [0, L).
    const grown = new Uint8Array(npix);
    const shift = (ngrow - 1) >> 1;
    for (let i = 0; i < npix; i++) {
      for (let j = 0; j < ngrow; j++) {
        const s = i + shift - j;
        if (s >= 0 && s < npix && badpix[s]) {
          grown[i] = 1;
          break;
        }
      }
    }
    badpix = grown;
    lastNgoodpix = ngoodpix;
    ngoodpix = 0;
    for (let i = 0; i < npix; i++) if (!badpix[i]) ngoodpix++;
  }
  if (ngoodpix >= minpix) {
    if (contrast > 0) slope /= contrast;
    const center = Math.trunc((npix - 1) / 2);
    const med = medianInPlace(Float64Array.from(samples));
    vmin = Math.max(vmin, med - (center - 1) * slope);
    vmax = Math.min(vmax, med + (npix - center) * slope);
  }
  return [vmin, vmax];
}
