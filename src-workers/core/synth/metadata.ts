import type { ParityParams } from './parity.js';
import type { SamplePlan } from './plan.js';

/** Columns of `metadata.csv`, one row per image; lists (one value per arc) are `;`-separated. */
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

/** The metadata row of one image (strings, in `METADATA_COLUMNS` order); `filepath` is the CSV path. */
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
