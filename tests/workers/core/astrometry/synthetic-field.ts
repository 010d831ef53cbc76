// Synthetic detections of the real sky: an index's own stars projected with a known TAN(-SIP) WCS, with
// rotation, either parity, centroid noise, missing catalog stars, uncatalogued stars and hot pixels.
import {
  coneStars,
  starRadec,
  type StarIndex,
  type ConeLookup,
} from '../../../../src-workers/core/astrometry/star-index.js';
import { radecToXyz } from '../../../../src-workers/core/astrometry/sphere.js';
import { TanWcs } from '../../../../src-workers/core/wcs/tan.js';
import { mulberry32 } from '../../../seeded-uniform.js';

export interface SyntheticSpec {
  raDeg: number;
  decDeg: number;
  scaleArcsec: number;
  rotationDeg: number;
  flip: boolean;
  width: number;
  height: number;
  seed: number;
  /** Fraction of catalog stars not detected [0.2]. */
  missing?: number;
  hotPixels?: number;
  extraStars?: number;
  noisePx?: number;
  /** Quadratic distortion A_2_0 etc. (px per px²) [0]. */
  distortion?: number;
}

/** Deterministic generator (mulberry32). */
export const rng = mulberry32;

/** Order-2 SIP triangle c[p][q] from (A_2_0, A_1_1, A_0_2). */
const quadratic = (c20: number, c11: number, c02: number): number[][] => [[0, 0, c02], [0, c11], [c20]];

export function truthWcs(spec: SyntheticSpec): TanWcs {
  const s = spec.scaleArcsec / 3600;
  const th = (spec.rotationDeg * Math.PI) / 180;
  // Normal parity: east left, north up (CD1_1 < 0); the flip mirrors x.
  const fx = spec.flip ? 1 : -1;
  const k = spec.distortion ?? 0;
  return new TanWcs({
    // 1-based CRPIX of the frame centre.
    crpix: [(spec.width + 1) / 2, (spec.height + 1) / 2],
    crval: [spec.raDeg, spec.decDeg],
    cd: [
      [fx * s * Math.cos(th), s * Math.sin(th)],
      [-fx * s * Math.sin(th), s * Math.cos(th)],
    ],
    sip: k ? { order: 2, a: quadratic(k, -k / 2, k / 3), b: quadratic(-k / 4, k, k / 2) } : undefined,
  });
}

export function syntheticField(index: StarIndex, lookup: ConeLookup, spec: SyntheticSpec) {
  const wcs = truthWcs(spec);
  const rand = rng(spec.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
  const radius = (Math.hypot(spec.width, spec.height) / 2) * (spec.scaleArcsec / 3600) * 1.1;
  const x: number[] = [];
  const y: number[] = [];
  const flux: number[] = [];
  const fwhm: number[] = [];
  const truthStar: number[] = [];
  const noise = spec.noisePx ?? 0.2;
  for (const s of coneStars(index.xyz, lookup, radecToXyz(spec.raDeg, spec.decDeg), radius)) {
    const [ra, dec] = starRadec(index, s);
    const p = wcs.skyToPixel(ra, dec);
    if (!(p[0] >= 0 && p[1] >= 0 && p[0] <= spec.width - 1 && p[1] <= spec.height - 1)) continue;
    if (rand() < (spec.missing ?? 0.2)) continue;
    x.push(p[0] + noise * gauss());
    y.push(p[1] + noise * gauss());
    flux.push(10 ** (-0.4 * ((index.mag?.[s] ?? 12) - 25)) * (1 + 0.05 * gauss()));
    fwhm.push(3 + 0.3 * gauss());
    truthStar.push(s);
  }
  const brightest = Math.max(...flux);
  // Uncatalogued stars are mostly fainter than the catalog's limit (Tycho-2 is complete to V_T ≈ 11):
  // 0.2–1.5 × the faintest catalog star's flux, so they mix with the faint end of the catalog.
  const faintest = Math.min(...flux);
  for (let k = 0; k < (spec.hotPixels ?? 20); k++) {
    x.push(Math.floor(rand() * spec.width));
    y.push(Math.floor(rand() * spec.height));
    flux.push(brightest * (0.5 + rand()));
    fwhm.push(0.6 + 0.3 * rand());
    truthStar.push(-1);
  }
  for (let k = 0; k < (spec.extraStars ?? 40); k++) {
    x.push(rand() * (spec.width - 1));
    y.push(rand() * (spec.height - 1));
    flux.push(faintest * (0.2 + 1.3 * rand()));
    fwhm.push(3 + 0.3 * gauss());
    truthStar.push(-1);
  }
  const stars = {
    x: Float64Array.from(x),
    y: Float64Array.from(y),
    flux: Float64Array.from(flux),
    fwhm: Float64Array.from(fwhm),
  };
  return { wcs, stars, truthStar };
}
