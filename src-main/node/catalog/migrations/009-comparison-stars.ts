import type { Migration } from './index.js';

/**
 * Comparison stars the user chose for a target (issue 20: "the user can override the choice by clicking
 * stars in the viewer"). A target with rows here uses exactly these in its ensemble; no rows = automatic.
 */
export const migration009: Migration = {
  version: 9,
  name: 'comparison stars',
  up: `
    CREATE TABLE comparison_stars (
      target_object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
      comp_object_id   INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
      created_at       INTEGER NOT NULL,
      PRIMARY KEY (target_object_id, comp_object_id)
    );
  `,
};
