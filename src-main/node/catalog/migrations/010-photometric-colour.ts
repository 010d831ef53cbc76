import type { Migration } from './index.js';

/**
 * The photometric calibration's provenance and colour term per frame (issue 19): `phot_zp_band`, the
 * catalog magnitude the zero point is of (`MAG_VT` for Debian's Tycho-2), and where the index files give a
 * colour (B_T − V_T, BP − RP) the colour term of the fit m_cat = m_inst + zp + c · colour with its error and
 * the colour's name. NULL colour term: none fitted (Tycho-2 packages carry V_T only).
 */
export const migration010: Migration = {
  version: 10,
  name: 'photometric colour term',
  up: `
    ALTER TABLE frames ADD COLUMN phot_zp_band TEXT;
    ALTER TABLE frames ADD COLUMN phot_colour TEXT;
    ALTER TABLE frames ADD COLUMN phot_colour_term REAL;
    ALTER TABLE frames ADD COLUMN phot_colour_term_err REAL;
  `,
};
