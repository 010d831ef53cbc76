/**
 * Per-object flag bits of the detection and photometry engine, defined once (STYLE.md: flags inside).
 * The low bits follow SExtractor's FLAGS where the meaning matches (manual §"Flags").
 */
export const SourceFlag = {
  /** A masked (NaN / bad / saturated-excluded) pixel or a neighbour lies inside the measurement apertures. */
  NEAR_MASKED: 1,
  /** The object was split from a blend by deblending. */
  BLENDED: 2,
  /** At least one pixel of the object reaches the saturation level. */
  SATURATED: 4,
  /** The object's footprint touches the frame edge. */
  TRUNCATED: 8,
  /** A photometric aperture extends beyond the frame or over NaN pixels. */
  APERTURE_INCOMPLETE: 16,
  /** The object was too large to deblend; it is reported as one. */
  DEBLEND_FAILED: 32,
  /** A measurement (windowed centroid, moments, Kron radius) did not converge; fall-back values reported. */
  MEASURE_FAILED: 64,
  /** PSF fit did not converge or was not attempted for this object. */
  PSF_FAILED: 128,
} as const;

export type SourceFlagName = keyof typeof SourceFlag;

/** Names of the bits set in `flags`, in bit order (for reports and the UI). */
export function flagNames(flags: number): SourceFlagName[] {
  return (Object.keys(SourceFlag) as SourceFlagName[]).filter((k) => (flags & SourceFlag[k]) !== 0);
}
