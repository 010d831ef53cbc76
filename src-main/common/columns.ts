/**
 * Column metadata registry: for every column the catalog's `sources` table exports, its unit (VOUnit spelling, as
 * astropy.units parses it), UCD1+ (IVOA UCD list 1.4) and a one-line description. Exporters (VOTable, ECSV, FITS,
 * CSV headers) read units and UCDs from here so every format says the same thing.
 */
export interface ColumnMeta {
  /** Column name as the catalog stores it. */
  readonly name: string;
  /** 'double' | 'long' | 'char' — how writers type the column. */
  readonly type: 'double' | 'long' | 'char';
  /** VOUnit string; '' for dimensionless; 'FLUX' means "the image's BUNIT" (resolved by {@link resolveColumns}). */
  readonly unit: string;
  /** UCD1+ word sequence. */
  readonly ucd: string;
  readonly description: string;
}

/** Columns of a detected source (catalog `sources`). Pixel coordinates are 0-based pixel centres. */
export const SOURCE_COLUMNS: readonly ColumnMeta[] = [
  { name: 'id', type: 'long', unit: '', ucd: 'meta.id;meta.main', description: 'Source id in the catalog' },
  {
    name: 'frame_id',
    type: 'long',
    unit: '',
    ucd: 'meta.id;obs.image',
    description: 'Frame the source was detected on',
  },
  { name: 'idx', type: 'long', unit: '', ucd: 'meta.number', description: 'Index of the source within its frame' },
  {
    name: 'x',
    type: 'double',
    unit: 'pixel',
    ucd: 'pos.cartesian.x;instr.det',
    description: 'Centroid x, 0-based pixel centre',
  },
  {
    name: 'y',
    type: 'double',
    unit: 'pixel',
    ucd: 'pos.cartesian.y;instr.det',
    description: 'Centroid y, 0-based pixel centre',
  },
  { name: 'x_err', type: 'double', unit: 'pixel', ucd: 'stat.error;pos.cartesian.x', description: 'Uncertainty of x' },
  { name: 'y_err', type: 'double', unit: 'pixel', ucd: 'stat.error;pos.cartesian.y', description: 'Uncertainty of y' },
  { name: 'ra', type: 'double', unit: 'deg', ucd: 'pos.eq.ra;meta.main', description: 'Right ascension (ICRS)' },
  { name: 'dec', type: 'double', unit: 'deg', ucd: 'pos.eq.dec;meta.main', description: 'Declination (ICRS)' },
  { name: 'flux', type: 'double', unit: 'FLUX', ucd: 'phot.flux', description: 'Aperture flux, background subtracted' },
  { name: 'flux_err', type: 'double', unit: 'FLUX', ucd: 'stat.error;phot.flux', description: 'Uncertainty of flux' },
  {
    name: 'flux_auto',
    type: 'double',
    unit: 'FLUX',
    ucd: 'phot.flux',
    description: 'Flux in the Kron (auto) aperture',
  },
  { name: 'mag', type: 'double', unit: 'mag', ucd: 'phot.mag', description: 'Magnitude' },
  { name: 'mag_err', type: 'double', unit: 'mag', ucd: 'stat.error;phot.mag', description: 'Uncertainty of mag' },
  {
    name: 'a',
    type: 'double',
    unit: 'pixel',
    ucd: 'phys.size.smajAxis',
    description: 'Semi-major axis (rms along major axis)',
  },
  {
    name: 'b',
    type: 'double',
    unit: 'pixel',
    ucd: 'phys.size.sminAxis',
    description: 'Semi-minor axis (rms along minor axis)',
  },
  {
    name: 'theta',
    type: 'double',
    unit: 'deg',
    ucd: 'pos.posAng',
    description: 'Position angle of the major axis from +x towards +y',
  },
  { name: 'fwhm', type: 'double', unit: 'pixel', ucd: 'phys.angSize', description: 'Full width at half maximum' },
  { name: 'snr', type: 'double', unit: '', ucd: 'stat.snr', description: 'Signal-to-noise ratio of flux' },
  { name: 'flags', type: 'long', unit: '', ucd: 'meta.code.qual', description: 'Detection flags (bit mask)' },
  { name: 'object_id', type: 'long', unit: '', ucd: 'meta.id.cross', description: 'Object the source was matched to' },
];

/**
 * Metadata for `names`, in that order. Flux columns get `fluxUnit` (the image's BUNIT, default 'adu'); names the
 * registry does not know (matched ignoring case and underscores) get a dimensionless double with no UCD, so nothing is silently dropped.
 */
export function resolveColumns(names: readonly string[], fluxUnit = 'adu'): ColumnMeta[] {
  // The store speaks snake_case (flux_err), the catalog API camelCase (fluxErr): both find the same entry.
  const key = (n: string) => n.replace(/_/g, '').toLowerCase();
  const byName = new Map(SOURCE_COLUMNS.map((c) => [key(c.name), c]));
  return names.map((name) => {
    const known = byName.get(key(name));
    const c = known ? { ...known, name } : { name, type: 'double' as const, unit: '', ucd: '', description: '' };
    return c.unit === 'FLUX' ? { ...c, unit: fluxUnit } : c;
  });
}
