/**
 * The photometric calibration of a plate solution: a zero point fitted to the matched catalog stars
 * (robust mean, `fitZeroPoint`) and, when the catalog gives those stars a colour (B_T − V_T, BP − RP), a
 * colour term fitted with it (`fitColourZeroPoint`). Shared by `owb solve` (total fluxes, PHOTZP cards)
 * and the watched-folder step (stored aperture fluxes, catalog columns).
 */
import { fitColourZeroPoint, fitZeroPoint, type ZeroPoint } from '../core/astrometry/zero-point.js';
import type { PlateSolution } from '../core/astrometry/solve.js';

/** A fitted calibration: the zero point and, where a colour exists, the colour term. */
export interface SolveCalibration extends ZeroPoint {
  /** Catalog magnitude the zero point is of (`MAG_VT` for Tycho-2). */
  band: string;
  /** m_cat = m_inst + zp(colour fit) + colourTerm · colour, where fitted; null when the catalog has no colour. */
  colourTerm: number | null;
  colourTermErr: number | null;
  /** Zero point of the colour fit (at colour 0), null without one. */
  colourZp: number | null;
  colourName: string | null;
  /** Why there is no colour term, when there is none. */
  colourNote?: string;
}

/**
 * Calibrates `sol`'s matched stars with `fluxOf(detection)` (non-positive = unusable) and `badOf(detection)`
 * (saturated, blended, truncated). Returns null with fewer than 3 usable stars.
 */
export function calibrateSolution(
  sol: PlateSolution,
  fluxOf: (detection: number) => number,
  badOf: (detection: number) => boolean,
): SolveCalibration | null {
  const flux = sol.matchedField.map(fluxOf);
  const bad = sol.matchedField.map(badOf);
  const zero = fitZeroPoint(sol.matchedMag, flux, bad);
  if (!zero) return null;
  const base = { ...zero, band: sol.magName ?? 'catalog magnitude' };
  if (!sol.colourName)
    return {
      ...base,
      colourTerm: null,
      colourTermErr: null,
      colourZp: null,
      colourName: null,
      colourNote: 'the catalog has no colour (Debian Tycho-2 indexes carry V_T only)',
    };
  const c = fitColourZeroPoint(sol.matchedMag, flux, sol.matchedColour, bad);
  if (!c)
    return {
      ...base,
      colourTerm: null,
      colourTermErr: null,
      colourZp: null,
      colourName: sol.colourName,
      colourNote: `too few matched stars with ${sol.colourName} or too little colour spread for a colour term`,
    };
  return {
    ...base,
    colourTerm: c.colourTerm,
    colourTermErr: c.colourTermErr,
    colourZp: c.zp,
    colourName: sol.colourName,
  };
}
