/**
 * Earth's barycentric position for BJD_TDB, from astronomy-engine (VSOP87 for the Earth, the four giant
 * planets for the Sun's motion about the barycentre; MIT licence). Measured against astropy's builtin
 * ephemeris (ERFA epv00) over 1951–2026: ≤ 2.2e-5 AU (≤ 11 ms of light time; typically a few ms), see
 * tests/main/node/time/observation-time.test.ts. Coordinates: EQJ (J2000 mean equator, ≈ ICRS to 20 mas).
 */
import { AstroTime, BaryState, Body, HelioVector } from 'astronomy-engine';
import type { EarthEphemeris } from '../../../src-workers/core/time/index.js';

/** Earth's barycentric position (AU) at a TDB MJD (TT ≈ TDB to 2 ms here, far below the ephemeris error). */
export const earthBarycentricAu: EarthEphemeris = (mjdTdb) => {
  const s = BaryState(Body.Earth, AstroTime.FromTerrestrialTime(mjdTdb - 51544.5));
  return [s.x, s.y, s.z];
};

/**
 * Earth's heliocentric position (AU, EQJ ≈ ICRS) at a TDB MJD, for HJD: astronomy-engine's HelioVector
 * (VSOP87), measured against astropy's heliocentric light-travel time in observation-time.test.ts.
 */
export const earthHeliocentricAu: EarthEphemeris = (mjdTdb) => {
  const v = HelioVector(Body.Earth, AstroTime.FromTerrestrialTime(mjdTdb - 51544.5));
  return [v.x, v.y, v.z];
};
