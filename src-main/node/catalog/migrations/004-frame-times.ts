import type { Migration } from './index.js';

/**
 * Frame times from core/time (issue 18): the start of the exposure (MJD UTC), BJD_TDB at mid-exposure
 * (Julian date; NULL without a sky position and an observatory position), the keywords the times came
 * from, a note saying why a time is missing, and the airmass (sec z) at mid-exposure where the site and
 * the target are known. `frames.mjd` stays the mid-exposure MJD (UTC). Older rows
 * are filled by `owb db retime`, which reads each frame's header again (SQL cannot parse FITS times).
 */
export const migration004: Migration = {
  version: 4,
  name: 'frame times',
  up: `
    ALTER TABLE frames ADD COLUMN mjd_start REAL;
    ALTER TABLE frames ADD COLUMN bjd_tdb REAL;
    ALTER TABLE frames ADD COLUMN time_source TEXT;
    ALTER TABLE frames ADD COLUMN time_note TEXT;
    ALTER TABLE frames ADD COLUMN airmass REAL;
    CREATE INDEX frames_mjd ON frames(mjd);
  `,
};
