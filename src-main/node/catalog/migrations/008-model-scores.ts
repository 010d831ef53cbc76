import type { Migration } from './index.js';

/**
 * Classifier scores (issue 21): one row per candidate and model version, so scores of several models
 * (and retrained versions) live side by side and curation can sort by the active model's score or by
 * its uncertainty |score − 0.5|. `score` is the probability of the positive class (real, lens).
 */
export const migration008: Migration = {
  version: 8,
  name: 'model scores',
  up: `
    CREATE TABLE model_scores (
      id             INTEGER PRIMARY KEY,
      candidate_id   INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
      task           TEXT NOT NULL,
      run_id         TEXT NOT NULL,
      model_version  TEXT NOT NULL,
      score          REAL NOT NULL,
      created_at     INTEGER NOT NULL,
      UNIQUE (candidate_id, model_version)
    );
    CREATE INDEX model_scores_version_score ON model_scores(model_version, score);
  `,
};
