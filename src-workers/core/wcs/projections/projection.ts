/**
 * The interface every FITS WCS projection implements (Calabretta & Greisen 2002, "Representations of
 * celestial coordinates in FITS", Paper II). Intermediate world coordinates (x, y) and native spherical
 * coordinates (φ, θ) are all in degrees; the sphere radius is R0 = 180/π so that x, y are degrees at the
 * fiducial point.
 */

/** A projection between intermediate world coordinates and native spherical coordinates. */
export interface Projection {
  /** Three-letter code, e.g. `TAN`. */
  readonly code: string;
  /** Native longitude of the fiducial point φ0 (deg). */
  readonly phi0: number;
  /** Native latitude of the fiducial point θ0 (deg). */
  readonly theta0: number;
  /** Native (φ, θ) in degrees of the intermediate point (x, y) in degrees, or null outside the projection. */
  toNative(x: number, y: number): [number, number] | null;
  /** Intermediate (x, y) in degrees of native (φ, θ) in degrees, or null where the projection is undefined. */
  fromNative(phi: number, theta: number): [number, number] | null;
}

/**
 * Projection parameters PVi_m of the latitude axis, by m (Paper II §2.5). Absent entries are undefined,
 * so each projection applies its own default.
 */
export type ProjectionParams = ReadonlyArray<number | undefined>;

/** Thrown by projection factories for parameters outside their domain; the message names the keyword. */
export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

/** PV value `m` or its default. */
export function pv(params: ProjectionParams, m: number, fallback: number): number {
  const v = params[m];
  return v === undefined ? fallback : v;
}
