import type { SynthConfig } from './config.js';
import type { ParityParams } from './parity.js';
import type { PhysicalParams } from './physical.js';
import type { SamplePlan } from './plan.js';
import type { SampleParams } from './sample.js';

const COMMON = ['filepath', 'split', 'index', 'label', 'seed'] as const;

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
] as const;

/** The metadata columns of a configuration's mode. */
export function metadataColumns(config: SynthConfig): readonly string[] {
  return config.General.mode === 'physical' ? PHYSICAL_METADATA_COLUMNS : METADATA_COLUMNS;
}

/** The metadata row of one image in its mode's column order. */
export function sampleMetadataRow(filepath: string, plan: SamplePlan, params: SampleParams): string[] {
  return params.kind === 'physical' ? physicalMetadataRow(filepath, plan, params) : metadataRow(filepath, plan, params);
}

function physicalMetadataRow(filepath: string, plan: SamplePlan, p: PhysicalParams): string[] {
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
] as const;

/** The parity metadata row of one image (strings, in `METADATA_COLUMNS` order); `filepath` is the CSV path. */
export function metadataRow(filepath: string, plan: SamplePlan, params: ParityParams): string[] {
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
  ];
}

/** Six decimals: enough to regenerate nothing (the seed does that) but to analyse distributions exactly. */
function fixed(value: number): string {
  return value.toFixed(6);
}

/** Quotes a CSV field when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
