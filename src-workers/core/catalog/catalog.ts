/**
 * The columnar source catalog (struct of typed arrays, as SEP returns it). Coordinates are 0-based pixel
 * centres; fluxes in ADU above background; angles in degrees counter-clockwise from +x.
 */
export interface SourceCatalog {
  count: number;
  /** Windowed centroid (SExtractor XWIN/YWIN), px. */
  x: Float64Array;
  y: Float64Array;
  /** 1σ errors of the windowed centroid, px. */
  xErr: Float64Array;
  yErr: Float64Array;
  /** Circular aperture flux (exact overlap) and error, ADU; radius in `apertureRadiusPx`. */
  flux: Float64Array;
  fluxErr: Float64Array;
  /** Kron (AUTO) elliptical aperture flux and error, ADU. */
  fluxAuto: Float64Array;
  fluxAutoErr: Float64Array;
  /** Sum of the background-subtracted pixels above the threshold, ADU. */
  fluxIso: Float64Array;
  /** Local background at the centroid, ADU. */
  background: Float64Array;
  /** Highest background-subtracted pixel, ADU. */
  peak: Float64Array;
  /** Pixels above the detection threshold. */
  npix: Int32Array;
  /** Isophotal semi-axes (rms along the principal axes), px; orientation in degrees. */
  a: Float64Array;
  b: Float64Array;
  theta: Float64Array;
  /** 1 − b/a. */
  ellipticity: Float64Array;
  /** Full width at half maximum from Gaussian-deconvolved windowed moments, px. */
  fwhm: Float64Array;
  /** Half-light radius (50 % of FLUX_AUTO), px. */
  fluxRadius: Float64Array;
  /** Kron radius in units of a and b (SExtractor KRON_RADIUS). */
  kronRadius: Float64Array;
  /** flux_auto / flux_auto_err. */
  snr: Float64Array;
  /** `SourceFlag` bits. */
  flags: Int32Array;
  /** Aperture radius used for `flux`, px. */
  apertureRadiusPx: number;
  /** Optional columns. */
  ra?: Float64Array;
  dec?: Float64Array;
  mag?: Float64Array;
  magErr?: Float64Array;
  fluxPsf?: Float64Array;
  fluxPsfErr?: Float64Array;
  psfChi2?: Float64Array;
}

/** Float64 columns of `SourceCatalog` in output order, with snake_case names and units. */
export const CATALOG_COLUMNS = [
  { key: 'x', name: 'x', unit: 'pix' },
  { key: 'y', name: 'y', unit: 'pix' },
  { key: 'xErr', name: 'x_err', unit: 'pix' },
  { key: 'yErr', name: 'y_err', unit: 'pix' },
  { key: 'ra', name: 'ra', unit: 'deg' },
  { key: 'dec', name: 'dec', unit: 'deg' },
  { key: 'flux', name: 'flux', unit: 'adu' },
  { key: 'fluxErr', name: 'flux_err', unit: 'adu' },
  { key: 'fluxAuto', name: 'flux_auto', unit: 'adu' },
  { key: 'fluxAutoErr', name: 'flux_auto_err', unit: 'adu' },
  { key: 'fluxIso', name: 'flux_iso', unit: 'adu' },
  { key: 'background', name: 'background', unit: 'adu' },
  { key: 'peak', name: 'peak', unit: 'adu' },
  { key: 'npix', name: 'npix', unit: 'pix' },
  { key: 'a', name: 'a', unit: 'pix' },
  { key: 'b', name: 'b', unit: 'pix' },
  { key: 'theta', name: 'theta', unit: 'deg' },
  { key: 'ellipticity', name: 'ellipticity', unit: '' },
  { key: 'fwhm', name: 'fwhm', unit: 'pix' },
  { key: 'fluxRadius', name: 'flux_radius', unit: 'pix' },
  { key: 'kronRadius', name: 'kron_radius', unit: '' },
  { key: 'snr', name: 'snr', unit: '' },
  { key: 'mag', name: 'mag', unit: 'mag' },
  { key: 'magErr', name: 'mag_err', unit: 'mag' },
  { key: 'fluxPsf', name: 'flux_psf', unit: 'adu' },
  { key: 'fluxPsfErr', name: 'flux_psf_err', unit: 'adu' },
  { key: 'psfChi2', name: 'psf_chi2', unit: '' },
  { key: 'flags', name: 'flags', unit: '' },
] as const satisfies readonly { key: keyof SourceCatalog; name: string; unit: string }[];

type ArrayKey = Exclude<keyof SourceCatalog, 'count' | 'apertureRadiusPx'>;

const REQUIRED: ArrayKey[] = [
  'x',
  'y',
  'xErr',
  'yErr',
  'flux',
  'fluxErr',
  'fluxAuto',
  'fluxAutoErr',
  'fluxIso',
  'background',
  'peak',
  'a',
  'b',
  'theta',
  'ellipticity',
  'fwhm',
  'fluxRadius',
  'kronRadius',
  'snr',
];

/** An all-NaN catalog of `count` rows (flags 0, npix 0). */
export function createCatalog(count: number): SourceCatalog {
  const cat: Record<string, unknown> = { count, apertureRadiusPx: Number.NaN };
  for (const k of REQUIRED) cat[k] = new Float64Array(count).fill(Number.NaN);
  cat.npix = new Int32Array(count);
  cat.flags = new Int32Array(count);
  return cat as unknown as SourceCatalog;
}

/** Rows `order` of `cat` (a permutation or subset), copying every present column. */
export function selectRows(cat: SourceCatalog, order: ArrayLike<number>): SourceCatalog {
  const out: Record<string, unknown> = { count: order.length, apertureRadiusPx: cat.apertureRadiusPx };
  for (const [key, value] of Object.entries(cat)) {
    if (!ArrayBuffer.isView(value)) continue;
    const src = value as Float64Array | Int32Array;
    const dst = new (src.constructor as Float64ArrayConstructor | Int32ArrayConstructor)(order.length);
    for (let i = 0; i < order.length; i++) dst[i] = src[order[i]];
    out[key] = dst;
  }
  return out as unknown as SourceCatalog;
}

/** Concatenates catalogs with the same columns (the first one's optional columns decide). */
export function concatCatalogs(parts: SourceCatalog[]): SourceCatalog {
  const total = parts.reduce((s, c) => s + c.count, 0);
  const out = createCatalog(total);
  if (parts.length === 0) return out;
  out.apertureRadiusPx = parts[0].apertureRadiusPx;
  const record = out as unknown as Record<string, Float64Array | Int32Array>;
  for (const [key, value] of Object.entries(parts[0])) {
    if (!ArrayBuffer.isView(value)) continue;
    const Ctor = (value as Float64Array).constructor as Float64ArrayConstructor;
    const dst = new Ctor(total);
    let o = 0;
    for (const part of parts) {
      const src = (part as unknown as Record<string, Float64Array | undefined>)[key];
      if (src) dst.set(src, o);
      else dst.fill(Number.NaN, o, o + part.count);
      o += part.count;
    }
    record[key] = dst;
  }
  return out;
}
