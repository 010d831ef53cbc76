/** Regions drawn in the viewer used as forced-photometry apertures and as detection masks (issue 26 §2). */

/** One region's photometry: circles with exact pixel overlap, other shapes over the pixels whose centres are inside. */
export interface RegionPhotometryRow {
  /** 1-based line of the region text the row belongs to. */
  line: number;
  shape: 'circle' | 'ellipse' | 'box' | 'polygon' | 'annulus';
  /** Aperture centre (circles) or the centre of the shape's bounds, 0-based pixels. */
  x: number;
  y: number;
  /** Pixels covered by valid data, px². */
  areaPx: number;
  /** Sky per pixel subtracted (sigma-clipped annulus median), ADU. */
  backgroundAdu: number;
  /** The sky annulus [inner, outer] radii around (x, y), px. */
  annulusPx: [number, number];
  flux: number;
  fluxErr: number;
  /** −2.5 log10(flux) + the frame's zero point; null without a zero point or for a non-positive flux. */
  mag: number | null;
  magErr: number | null;
  /** Part of the aperture off the frame or on NaN pixels, or no sky pixel in the annulus. */
  incomplete: boolean;
}

export interface RegionPhotometry {
  rows: RegionPhotometryRow[];
  /** The frame's zero point (plate-solve calibration) used for `mag`, or null. */
  zeroPointMag: number | null;
  zeroPointSource: string | null;
  /** Region lines that are no area (points, text, …) or excluded ('-') shapes: no photometry. */
  skipped: number;
}

/** Sources detected on a frame with pixels masked (as `owb detect --mask-region`). */
export interface MaskedDetection {
  count: number;
  x: Float64Array;
  y: Float64Array;
  flux: Float64Array;
  /** Pixels masked by the regions. */
  maskedPx: number;
}

/**
 * A frame registered onto a reference frame by its stars (core/register): `transform` maps the reference's
 * 0-based full-resolution pixels to the frame's, x = a·x_ref + b·y_ref + tx, y = c·x_ref + d·y_ref + ty.
 */
export type StarRegistration =
  | {
      ok: true;
      transform: { a: number; b: number; tx: number; c: number; d: number; ty: number };
      /** Stars matched and the fit's rms residual, px. */
      matched: number;
      rmsPx: number;
    }
  | { ok: false; reason: string };
