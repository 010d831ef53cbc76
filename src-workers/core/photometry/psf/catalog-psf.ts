import type { BackgroundEvaluator } from '../../background/background-model.js';
import type { SourceCatalog } from '../../catalog/catalog.js';
import { SourceFlag } from '../../catalog/flags.js';
import { InputError } from '../../errors.js';
import type { Image } from '../../image/image.js';
import { buildEpsf, type Epsf } from './epsf.js';
import { fitPsfPhotometry } from './fit.js';

/** What `addPsfPhotometry` reports besides the new columns. */
export interface CatalogPsfResult {
  psf?: Epsf;
  psfStars: number;
  /** Median FWHM of the clean sources, px. */
  fwhmPx?: number;
  /** Why no PSF could be built, when it could not. */
  reason?: string;
}

/**
 * PSF photometry of a detection catalog: picks isolated (no detection within 2 × the PSF radius, relaxed in
 * crowded fields), unflagged, unsaturated stars with SNR > 30 and a
 * FWHM within 25 % of the median (up to 200, brightest first), builds an ePSF from them, then fits every
 * source (close neighbours jointly). Adds `fluxPsf`, `fluxPsfErr`, `psfChi2`; sources that could not be
 * fitted (or all, when no PSF could be built) get NaN and PSF_FAILED. Mutates `cat`.
 */
export function addPsfPhotometry(
  image: Image,
  cat: SourceCatalog,
  background: BackgroundEvaluator,
  gainEPerAdu?: number,
): CatalogPsfResult {
  const n = cat.count;
  cat.fluxPsf = new Float64Array(n).fill(Number.NaN);
  cat.fluxPsfErr = new Float64Array(n).fill(Number.NaN);
  cat.psfChi2 = new Float64Array(n).fill(Number.NaN);
  const fwhms = Array.from(cat.fwhm)
    .filter((v, i) => Number.isFinite(v) && cat.flags[i] === 0)
    .sort((a, b) => a - b);
  const fwhm = fwhms.length ? fwhms[fwhms.length >> 1] : Number.NaN;
  const failAll = (reason: string): CatalogPsfResult => {
    for (let i = 0; i < n; i++) cat.flags[i] |= SourceFlag.PSF_FAILED;
    return { psfStars: 0, reason };
  };
  if (!(fwhm > 0)) return failAll('no clean source to measure the FWHM');
  const radiusPx = Math.min(15, Math.max(4, Math.ceil(3 * fwhm)));
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    if (cat.flags[i] !== 0 || !(cat.snr[i] > 30) || Math.abs(cat.fwhm[i] / fwhm - 1) > 0.25) continue;
    candidates.push(i);
  }
  // Isolation: no other detection within 2 × the PSF radius; crowded fields relax it down to half the radius.
  let isolated: number[] = [];
  for (const isolation of [2 * radiusPx, radiusPx, 0.5 * radiusPx]) {
    const cell = isolation;
    const grid = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const k = `${Math.floor(cat.x[i] / cell)},${Math.floor(cat.y[i] / cell)}`;
      let l = grid.get(k);
      if (!l) grid.set(k, (l = []));
      l.push(i);
    }
    isolated = candidates.filter((i) => {
      const gx = Math.floor(cat.x[i] / cell);
      const gy = Math.floor(cat.y[i] / cell);
      for (let yy = gy - 1; yy <= gy + 1; yy++)
        for (let xx = gx - 1; xx <= gx + 1; xx++) {
          for (const j of grid.get(`${xx},${yy}`) ?? [])
            if (j !== i && Math.hypot(cat.x[i] - cat.x[j], cat.y[i] - cat.y[j]) < isolation) return false;
        }
      return true;
    });
    if (isolated.length >= 10) break;
  }
  isolated.sort((a, b) => cat.snr[b] - cat.snr[a] || a - b);
  const chosen = isolated.slice(0, 200);
  let psf: Epsf;
  try {
    psf = buildEpsf(
      image,
      chosen.map((i) => cat.x[i]),
      chosen.map((i) => cat.y[i]),
      chosen.map((i) => cat.background[i]),
      { radiusPx },
    );
  } catch (error) {
    if (error instanceof InputError) return failAll(error.message);
    throw error;
  }
  const rms = Float64Array.from({ length: n }, (_, i) => background.at(cat.x[i], cat.y[i]).rms);
  const fit = fitPsfPhotometry(image, psf, cat.x, cat.y, cat.background, {
    rmsAdu: rms,
    gainEPerAdu,
    fitRadiusPx: Math.max(2.5, 1.3 * fwhm),
  });
  cat.fluxPsf = fit.flux;
  cat.fluxPsfErr = fit.fluxErr;
  cat.psfChi2 = fit.chi2;
  for (let i = 0; i < n; i++) cat.flags[i] |= fit.flags[i] & SourceFlag.PSF_FAILED;
  return { psf, psfStars: chosen.length, fwhmPx: fwhm };
}
