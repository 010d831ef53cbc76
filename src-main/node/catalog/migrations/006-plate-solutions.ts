import type { Migration } from './index.js';

/**
 * Plate solutions and photometric zero points per frame (the watched-folder `solve` step):
 * `solve_status` ('solved' | 'unsolved', NULL when the step did not run), `solve_reason` (why not),
 * the solution's WCS cards in the existing `frames.wcs_json`, and the Tycho-2 V_T zero point of the
 * frame's stored magnitudes with its error. Sources and measurements keep the instrumental magnitude in
 * `mag_inst` when `mag` is calibrated (mag = mag_inst + phot_zp).
 */
export const migration006: Migration = {
  version: 6,
  name: 'plate solutions and zero points',
  up: `
    ALTER TABLE frames ADD COLUMN solve_status TEXT;
    ALTER TABLE frames ADD COLUMN solve_reason TEXT;
    ALTER TABLE frames ADD COLUMN solve_json TEXT;
    ALTER TABLE frames ADD COLUMN phot_zp REAL;
    ALTER TABLE frames ADD COLUMN phot_zp_err REAL;
    ALTER TABLE sources ADD COLUMN mag_inst REAL;
    ALTER TABLE measurements ADD COLUMN mag_inst REAL;
  `,
};
