import type { Migration } from './index.js';

/**
 * HJD at mid-exposure per frame (issue 18), beside BJD_TDB: `hjd_utc`, a Julian date on the UTC scale,
 * JD(UTC) plus the light time from the observer to the Sun's centre along the target direction, as astropy's
 * `t.utc + t.light_travel_time(target, kind='heliocentric')` (core/time `heliocentricTime`). NULL where
 * BJD_TDB is (no sky position or no observatory position). Older rows are filled by `owb db retime`.
 */
export const migration011: Migration = {
  version: 11,
  name: 'frame HJD',
  up: `
    ALTER TABLE frames ADD COLUMN hjd_utc REAL;
  `,
};
