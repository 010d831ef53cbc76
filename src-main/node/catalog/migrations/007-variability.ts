import type { Migration } from './index.js';

/**
 * Per-object variability statistics of the ensemble-corrected light curve, one row per object and filter,
 * replaced on each `owb variability` run. `time_system` says which time the curve was analysed in
 * (`MJD_UTC` until frames carry BJD_TDB).
 */
export const migration007: Migration = {
  version: 7,
  name: 'object variability',
  up: `
    CREATE TABLE object_variability (
      object_id         INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
      filter            TEXT NOT NULL DEFAULT '',
      n_obs             INTEGER NOT NULL,
      n_rejected        INTEGER NOT NULL,
      weighted_mean     REAL,
      weighted_mean_err REAL,
      weighted_sigma    REAL,
      reduced_chi2      REAL,
      chi2_fap          REAL,
      mad               REAL,
      iqr               REAL,
      von_neumann_eta   REAL,
      stetson_j         REAL,
      stetson_k         REAL,
      amplitude         REAL,
      amplitude_robust  REAL,
      time_system       TEXT NOT NULL,
      computed_at       INTEGER NOT NULL,
      PRIMARY KEY (object_id, filter)
    );
    CREATE INDEX object_variability_fap ON object_variability(chi2_fap);
  `,
};
