/** The catalog stars on a frame, for the viewer's catalog overlay (`owb:frames.catalogStars`). */
export interface CatalogStars {
  /** The index file the stars come from (`index-tycho2-07.fits`), or null when there are none to show. */
  source: string | null;
  /** The magnitude's name in that file (`MAG_VT`), or null when it has none. */
  magName: string | null;
  /** Why there are no stars (no WCS, no index files), or null. */
  reason: string | null;
  /** Stars on the frame in the catalog, before `limit` cut the list. */
  total: number;
  /** ICRS degrees and magnitude per star, brightest first; NaN where the catalog has no magnitude. */
  raDeg: Float64Array;
  decDeg: Float64Array;
  mag: Float32Array;
}
