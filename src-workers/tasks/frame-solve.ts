/**
 * The watched-folder `solve` step: plate-solves a frame from the detections `process-frame` has already
 * made (the same solver and indexes as `owb solve`), then gives the sources sky positions from the
 * solution and calibrates their magnitudes with a V_T zero point fitted to the matched Tycho-2 stars.
 * The instrumental magnitudes are kept in `magInst`. The zero point is that of the stored (aperture)
 * fluxes, so it is not written as PHOTZP (which `owb solve` defines for total fluxes).
 */
import type { SourceCatalog } from '../core/catalog/catalog.js';
import { SourceFlag } from '../core/catalog/flags.js';
import { InputError } from '../core/errors.js';
import { calibrateSolution } from './solve-photometry.js';
import { plateWcsCards } from '../core/astrometry/tan-sip.js';
import type { HintSource } from '../core/astrometry/header-hints.js';
import type { FrameSolveResult, FrameSolveStep, SourceColumns } from '../../src-main/common/tasks/process-frame.js';
import { solveDetections } from './plate-solve.js';

/** Flags that make a star unfit for the zero point. */
const BAD_FOR_ZP = SourceFlag.SATURATED | SourceFlag.BLENDED | SourceFlag.TRUNCATED;

/**
 * Solves `found` (the detection catalog behind `sources`, same order) and, when solved, fills
 * `sources.ra/dec` from the solution and replaces `sources.mag` by calibrated V_T magnitudes
 * (`magInst` keeps −2.5 log10 of the stored flux). Returns what happened; "not solved" is a result
 * with its reason, never an exception (a bad scale range in the step becomes the reason too).
 */
export async function solveFrameSources(
  found: Pick<SourceCatalog, 'x' | 'y' | 'flux' | 'fwhm' | 'count'>,
  sources: SourceColumns,
  width: number,
  height: number,
  header: HintSource,
  step: FrameSolveStep,
): Promise<FrameSolveResult> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  let solved;
  try {
    solved = await solveDetections(found, width, height, header, step);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { solved: false, reason: error.message, hintSource: [], seconds: seconds() };
  }
  if ('reason' in solved)
    return { solved: false, reason: solved.reason, hintSource: solved.hintSource, seconds: seconds() };
  const sol = solved.solution;
  const n = sources.count;
  const ra = new Float64Array(n);
  const dec = new Float64Array(n);
  for (let i = 0; i < n; i++) [ra[i], dec[i]] = sol.wcs.pixelToSky(sources.x[i], sources.y[i]);
  sources.ra = ra;
  sources.dec = dec;

  // The zero point of the magnitudes the catalog stores: instrumental from the stored flux (the aperture
  // flux when photometry ran), so that calibrated = instrumental + zero point for every source.
  const flux = sources.flux ?? found.flux;
  const magInst = new Float64Array(n);
  for (let i = 0; i < n; i++) magInst[i] = flux[i] > 0 ? -2.5 * Math.log10(flux[i]) : Number.NaN;
  const flags = sources.flags;
  const zero = calibrateSolution(
    sol,
    (d) => flux[d],
    (d) => ((flags?.[d] ?? 0) & BAD_FOR_ZP) !== 0,
  );
  const wcs: Record<string, string | number> = {};
  for (const c of plateWcsCards(sol.wcs)) wcs[c.key] = c.value;
  if (zero) {
    sources.magInst = magInst;
    sources.mag = Float64Array.from(magInst, (m) => m + zero.zp);
  }
  return {
    solved: true,
    wcs,
    centreRa: sol.centreRa,
    centreDec: sol.centreDec,
    scaleArcsec: sol.scaleArcsec,
    rotationDeg: sol.rotationDeg,
    flipped: sol.flipped,
    matched: sol.matchedField.length,
    rmsArcsec: sol.rmsArcsec,
    logOdds: sol.logOdds,
    indexId: sol.indexId,
    ...(zero
      ? {
          zeroPoint: zero.zp,
          zeroPointErr: zero.zpErr,
          zeroPointStars: zero.used,
          zeroPointBand: zero.band,
          ...(zero.colourName ? { colourName: zero.colourName } : {}),
          ...(zero.colourTerm !== null
            ? { colourTerm: zero.colourTerm, colourTermErr: zero.colourTermErr ?? undefined }
            : {}),
        }
      : {}),
    hintSource: solved.hintSource,
    seconds: seconds(),
  };
}
