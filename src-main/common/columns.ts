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
  { name: 'mag_inst', type: 'double', unit: 'mag', ucd: 'phot.mag', description: 'Instrumental magnitude' },
  {
    name: 'mag_cal',
    type: 'double',
    unit: 'mag',
    ucd: 'phot.mag;phot.calib',
    description: 'Calibrated magnitude: mag_inst + plate-solve zero point',
  },
  {
    name: 'mag_cal_err',
    type: 'double',
    unit: 'mag',
    ucd: 'stat.error;phot.mag',
    description: 'Uncertainty of mag_cal, zero point included',
  },
  {
    name: 'zp_source',
    type: 'char',
    unit: '',
    ucd: 'meta.note',
    description: 'Where the zero point of mag_cal came from',
  },
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

/** Columns of the other exported tables (frames, objects, light-curve measurements, candidates, jobs). */
export const OTHER_COLUMNS: readonly ColumnMeta[] = [
  { name: 'mjd', type: 'double', unit: 'd', ucd: 'time.epoch', description: 'Mid-exposure MJD (UTC)' },
  {
    name: 'bjd_tdb',
    type: 'double',
    unit: 'd',
    ucd: 'time.epoch;obs',
    description: 'Mid-exposure BJD (TDB), Julian date; empty without a sky position and a site',
  },
  {
    name: 'hjd_utc',
    type: 'double',
    unit: 'd',
    ucd: 'time.epoch;obs',
    description: 'Mid-exposure HJD (UTC): JD(UTC) + heliocentric light time, Julian date; empty where bjd_tdb is',
  },
  {
    name: 'mjd_start',
    type: 'double',
    unit: 'd',
    ucd: 'time.start;obs.exposure',
    description: 'Exposure start MJD (UTC)',
  },
  { name: 'time_source', type: 'char', unit: '', ucd: 'meta.ref', description: 'Header keywords the times came from' },
  { name: 'airmass', type: 'double', unit: '', ucd: 'obs.airMass', description: 'Airmass (sec z) at mid-exposure' },
  { name: 'time_note', type: 'char', unit: '', ucd: 'meta.note', description: 'Why a time or BJD_TDB is missing' },
  { name: 'time_system', type: 'char', unit: '', ucd: 'time.scale', description: 'Time scale of the time column' },
  { name: 'first_mjd', type: 'double', unit: 'd', ucd: 'time.start', description: 'MJD of the first measurement' },
  { name: 'last_mjd', type: 'double', unit: 'd', ucd: 'time.end', description: 'MJD of the last measurement' },
  { name: 'n_obs', type: 'long', unit: '', ucd: 'meta.number', description: 'Number of measurements' },
  { name: 'date_obs', type: 'char', unit: '', ucd: 'time.start;obs.exposure', description: 'DATE-OBS as written' },
  { name: 'exposure_sec', type: 'double', unit: 's', ucd: 'time.duration;obs.exposure', description: 'Exposure time' },
  { name: 'filter', type: 'char', unit: '', ucd: 'instr.filter', description: 'Filter name' },
  { name: 'width', type: 'long', unit: 'pixel', ucd: 'instr.det;meta.number', description: 'Image width (NAXIS1)' },
  { name: 'height', type: 'long', unit: 'pixel', ucd: 'instr.det;meta.number', description: 'Image height (NAXIS2)' },
  { name: 'source_count', type: 'long', unit: '', ucd: 'meta.number', description: 'Sources detected on the frame' },
  { name: 'size_bytes', type: 'long', unit: 'byte', ucd: 'phys.size;meta.file', description: 'File size' },
  { name: 'path', type: 'char', unit: '', ucd: 'meta.file', description: 'File path' },
  { name: 'file_name', type: 'char', unit: '', ucd: 'meta.id;meta.file', description: 'File name' },
  { name: 'frame_type', type: 'char', unit: '', ucd: 'meta.code.class', description: 'light, bias, dark or flat' },
  { name: 'status', type: 'char', unit: '', ucd: 'meta.code.status', description: 'Processing status' },
  { name: 'median_adu', type: 'double', unit: 'FLUX', ucd: 'stat.median;phot.flux', description: 'Median pixel value' },
  { name: 'fwhm_px', type: 'double', unit: 'pixel', ucd: 'phys.angSize', description: 'Median stellar FWHM' },
  { name: 'source_id', type: 'long', unit: '', ucd: 'meta.id', description: 'Source of the measurement' },
  { name: 'score', type: 'double', unit: '', ucd: 'stat.probability', description: 'Classifier or ranking score' },
  { name: 'kind', type: 'char', unit: '', ucd: 'meta.code.class', description: 'Candidate kind' },
  { name: 'label', type: 'char', unit: '', ucd: 'meta.code.class', description: 'Current curation label' },
  { name: 'label_note', type: 'char', unit: '', ucd: 'meta.note', description: 'Note on the current label' },
  { name: 'created_at', type: 'long', unit: 'ms', ucd: 'time.creation', description: 'Unix time of creation' },
  { name: 'ref_row', type: 'long', unit: '', ucd: 'meta.number', description: 'Row of the reference list (1-based)' },
  { name: 'ref_id', type: 'char', unit: '', ucd: 'meta.id;meta.main', description: 'Reference star id' },
  { name: 'ref_ra', type: 'double', unit: 'deg', ucd: 'pos.eq.ra', description: 'Reference RA, ICRS' },
  { name: 'ref_dec', type: 'double', unit: 'deg', ucd: 'pos.eq.dec', description: 'Reference Dec, ICRS' },
  { name: 'ref_mag', type: 'double', unit: 'mag', ucd: 'phot.mag', description: 'Reference magnitude' },
  { name: 'ref_mag_err', type: 'double', unit: 'mag', ucd: 'stat.error;phot.mag', description: 'Its error' },
  { name: 'sep_arcsec', type: 'double', unit: 'arcsec', ucd: 'pos.angDistance', description: 'Reference to object' },
  { name: 'processed_at', type: 'long', unit: 'ms', ucd: 'time.processing', description: 'Unix time of processing' },
];

/**
 * Metadata for `names`, in that order. Flux columns get `fluxUnit` (the image's BUNIT, default 'adu'); names the
 * registry does not know (matched ignoring case and underscores) get a dimensionless double with no UCD, so nothing is silently dropped.
 */
export function resolveColumns(names: readonly string[], fluxUnit = 'adu'): ColumnMeta[] {
  // The store speaks snake_case (flux_err), the catalog API camelCase (fluxErr): both find the same entry.
  const key = (n: string) => n.replace(/_/g, '').toLowerCase();
  const byName = new Map([...OTHER_COLUMNS, ...SOURCE_COLUMNS].map((c) => [key(c.name), c]));
  return names.map((name) => {
    const known = byName.get(key(name));
    const c = known ? { ...known, name } : { name, type: 'double' as const, unit: '', ucd: '', description: '' };
    return c.unit === 'FLUX' ? { ...c, unit: fluxUnit } : c;
  });
}
