import type { SynthConfig } from './config.js';
import type { ParityParams } from './parity.js';
import type { PhysicalParams } from './physical.js';
import type { SamplePlan } from './plan.js';
import type { SampleParams } from './sample.js';

const COMMON = ['filepath', 'split', 'index', 'label', 'seed'] as const;

/**
 * Columns of the established lens-finder generator that every mode's `metadata.csv` also carries, last:
 * `filename` (the image's file name, no folder), `random_seed` (the image's own seed, = `seed`) and
 * `generation_time` (ISO 8601 UTC time at which the run that wrote the file finished generating the
 * set; one value for every row). Parity sets add `arc_radii` and `galaxy_sigma` (see `METADATA_COLUMNS`).
 */
export const ESTABLISHED_COLUMNS = ['filename', 'random_seed', 'generation_time'] as const;

/**
 * Metadata columns whose values depend on when a set was made rather than on its configuration. The
 * byte-reproducibility contract (same configuration → same bytes, whatever the thread count or resume
 * history) covers every file but `config_snapshot.json` and these columns of `metadata.csv`.
 */
export const TIME_VARYING_METADATA_COLUMNS: readonly string[] = ['generation_time'];

/** Columns of the physical mode's `metadata.csv` (angles in arcsec and degrees, fluxes in e⁻/s). */
export const PHYSICAL_METADATA_COLUMNS = [
  ...COMMON,
  'lens_x_arcsec',
  'lens_y_arcsec',
  'lens_mag',
  'lens_reff_arcsec',
  'lens_q',
  'lens_angle_deg',
  'einstein_radius_arcsec',
  'drawn_einstein_radius_arcsec',
  'shear',
  'shear_angle_deg',
  'source_x_arcsec',
  'source_y_arcsec',
  'source_mag',
  'source_reff_arcsec',
  'source_sersic_n',
  'source_q',
  'source_angle_deg',
  'sky_per_pixel_e',
  ...ESTABLISHED_COLUMNS,
] as const;

/** The metadata columns of a configuration's mode. */
export function metadataColumns(config: SynthConfig): readonly string[] {
  return config.General.mode === 'physical' ? PHYSICAL_METADATA_COLUMNS : METADATA_COLUMNS;
}

/**
 * The metadata row of one image in its mode's column order; `generationTime` fills `generation_time`
 * (ISO 8601 UTC).
 */
export function sampleMetadataRow(
  filepath: string,
  plan: SamplePlan,
  params: SampleParams,
  generationTime: string,
): string[] {
  return params.kind === 'physical'
    ? physicalMetadataRow(filepath, plan, params, generationTime)
    : metadataRow(filepath, plan, params, generationTime);
}

function physicalMetadataRow(filepath: string, plan: SamplePlan, p: PhysicalParams, generationTime: string): string[] {
  const deg = (rad: number): string => fixed((rad * 180) / Math.PI);
  return [
    filepath,
    plan.split,
    String(plan.index),
    String(plan.label),
    String(plan.seed),
    fixed(p.lensLight.x),
    fixed(p.lensLight.y),
    fixed(p.lensLight.mag),
    fixed(p.lensLight.reff),
    fixed(p.lensLight.q),
    deg(p.lensLight.angle),
    fixed(p.mass.thetaE),
    fixed(p.drawnThetaE),
    fixed(p.mass.gamma),
    deg(p.mass.gammaAngle),
    fixed(p.source.x),
    fixed(p.source.y),
    fixed(p.source.mag),
    fixed(p.source.reff),
    fixed(p.source.n),
    fixed(p.source.q),
    deg(p.source.angle),
    fixed(p.skyPerPixelE),
    ...establishedFields(plan, generationTime),
  ];
}

/** Columns of the parity mode's `metadata.csv`, one row per image; lists (one value per arc) are `;`-separated. */
export const METADATA_COLUMNS = [
  'filepath',
  'split',
  'index',
  'label',
  'seed',
  'gal_x_px',
  'gal_y_px',
  'gal_sigma_px',
  'gal_ellipticity',
  'gal_angle_deg',
  'gal_amplitude',
  'n_arcs',
  'einstein_radius_px',
  'arc_widths_px',
  'arc_extents_deg',
  'arc_angles_deg',
  'arc_amplitudes',
  ...ESTABLISHED_COLUMNS,
  // The established generator's spellings: the ring radius of every arc (px, `;`-separated, one per
  // arc; the arcs of one lens share its Einstein radius in this model, empty for a non-lens) and the
  // galaxy's Gaussian sigma (px, = gal_sigma_px).
  'arc_radii',
  'galaxy_sigma',
] as const;

/**
 * The parity metadata row of one image (strings, in `METADATA_COLUMNS` order); `filepath` is the CSV path,
 * `generationTime` the set's generation time (ISO 8601 UTC).
 */
export function metadataRow(
  filepath: string,
  plan: SamplePlan,
  params: ParityParams,
  generationTime: string,
): string[] {
  const g = params.galaxy;
  const deg = (rad: number): string => fixed((rad * 180) / Math.PI);
  return [
    filepath,
    plan.split,
    String(plan.index),
    String(plan.label),
    String(plan.seed),
    fixed(g.xPx),
    fixed(g.yPx),
    fixed(g.sigmaPx),
    fixed(g.ellipticity),
    deg(g.angleRad),
    fixed(g.amplitude),
    String(params.arcs.length),
    fixed(params.einsteinRadiusPx),
    params.arcs.map((a) => fixed(a.widthPx)).join(';'),
    params.arcs.map((a) => fixed(a.extentDeg)).join(';'),
    params.arcs.map((a) => deg(a.angleRad)).join(';'),
    params.arcs.map((a) => fixed(a.amplitude)).join(';'),
    ...establishedFields(plan, generationTime),
    params.arcs.map(() => fixed(params.einsteinRadiusPx)).join(';'),
    fixed(g.sigmaPx),
  ];
}

function establishedFields(plan: SamplePlan, generationTime: string): string[] {
  return [plan.relPath.slice(plan.relPath.lastIndexOf('/') + 1), String(plan.seed), generationTime];
}

/** Six decimals: enough to regenerate nothing (the seed does that) but to analyse distributions exactly. */
function fixed(value: number): string {
  return value.toFixed(6);
}

/** Quotes a CSV field when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
