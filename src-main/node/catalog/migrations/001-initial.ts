import type { Migration } from './index.js';

/**
 * The first schema: frames and their paths, masters, sources, objects with an R*Tree over unit vectors,
 * measurements, candidates and labels (with history), jobs and datasets. Append-only: never edit a
 * migration that has shipped; add `002-….ts` instead.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  up: `
    CREATE TABLE frames (
      id            INTEGER PRIMARY KEY,
      content_hash  TEXT NOT NULL UNIQUE,
      path          TEXT NOT NULL,
      file_name     TEXT NOT NULL,
      size_bytes    INTEGER NOT NULL,
      header_json   TEXT,
      frame_type    TEXT NOT NULL DEFAULT 'unknown',
      filter        TEXT,
      exposure_sec  REAL,
      date_obs      TEXT,
      mjd           REAL,
      width         INTEGER,
      height        INTEGER,
      wcs_json      TEXT,
      ra_center     REAL,
      dec_center    REAL,
      quality_json  TEXT,
      source_count  INTEGER,
      status        TEXT NOT NULL DEFAULT 'new',
      error         TEXT,
      created_at    INTEGER NOT NULL,
      processed_at  INTEGER
    );
    CREATE INDEX frames_type ON frames(frame_type, filter);
    CREATE INDEX frames_date ON frames(date_obs);

    -- Every path a frame's content was seen at (a copy or rename adds a row, not a frame).
    CREATE TABLE frame_paths (
      path        TEXT PRIMARY KEY,
      frame_id    INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
      size_bytes  INTEGER NOT NULL,
      mtime_ms    REAL NOT NULL,
      seen_at     INTEGER NOT NULL
    );
    CREATE INDEX frame_paths_frame ON frame_paths(frame_id);

    CREATE TABLE masters (
      id            INTEGER PRIMARY KEY,
      kind          TEXT NOT NULL,
      filter        TEXT,
      exposure_sec  REAL,
      width         INTEGER,
      height        INTEGER,
      path          TEXT,
      inputs_hash   TEXT NOT NULL,
      input_count   INTEGER NOT NULL,
      status        TEXT NOT NULL DEFAULT 'stale',
      created_at    INTEGER NOT NULL,
      built_at      INTEGER
    );
    CREATE TABLE master_inputs (
      master_id  INTEGER NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      frame_id   INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
      PRIMARY KEY (master_id, frame_id)
    );

    CREATE TABLE objects (
      id          INTEGER PRIMARY KEY,
      ra          REAL NOT NULL,
      dec         REAL NOT NULL,
      cx          REAL NOT NULL,
      cy          REAL NOT NULL,
      cz          REAL NOT NULL,
      n_obs       INTEGER NOT NULL DEFAULT 0,
      first_mjd   REAL,
      last_mjd    REAL,
      created_at  INTEGER NOT NULL
    );
    -- Bounding boxes of unit vectors: no seam at RA 0/360 and no singularity at the poles.
    CREATE VIRTUAL TABLE objects_rtree USING rtree(id, min_x, max_x, min_y, max_y, min_z, max_z);

    CREATE TABLE sources (
      id         INTEGER PRIMARY KEY,
      frame_id   INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
      idx        INTEGER NOT NULL,
      x          REAL NOT NULL,
      y          REAL NOT NULL,
      x_err      REAL,
      y_err      REAL,
      ra         REAL,
      dec        REAL,
      flux       REAL,
      flux_err   REAL,
      flux_auto  REAL,
      mag        REAL,
      mag_err    REAL,
      a          REAL,
      b          REAL,
      theta      REAL,
      fwhm       REAL,
      snr        REAL,
      flags      INTEGER NOT NULL DEFAULT 0,
      object_id  INTEGER REFERENCES objects(id)
    );
    CREATE INDEX sources_frame ON sources(frame_id, idx);

    CREATE TABLE measurements (
      id         INTEGER PRIMARY KEY,
      object_id  INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
      frame_id   INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
      source_id  INTEGER REFERENCES sources(id) ON DELETE CASCADE,
      mjd        REAL,
      filter     TEXT,
      flux       REAL,
      flux_err   REAL,
      mag        REAL,
      mag_err    REAL
    );
    CREATE INDEX measurements_object ON measurements(object_id, mjd);
    CREATE INDEX measurements_frame ON measurements(frame_id);

    CREATE TABLE candidates (
      id          INTEGER PRIMARY KEY,
      kind        TEXT NOT NULL,
      object_id   INTEGER REFERENCES objects(id) ON DELETE CASCADE,
      frame_id    INTEGER REFERENCES frames(id) ON DELETE CASCADE,
      source_id   INTEGER REFERENCES sources(id) ON DELETE CASCADE,
      score       REAL,
      details_json TEXT,
      created_at  INTEGER NOT NULL
    );
    CREATE INDEX candidates_object ON candidates(object_id);

    -- Every labelling act is a row; undo marks the latest row undone. The current label of a candidate is
    -- its newest row that is not undone.
    CREATE TABLE labels (
      id            INTEGER PRIMARY KEY,
      candidate_id  INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
      label         TEXT NOT NULL,
      note          TEXT,
      who           TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      undone_at     INTEGER
    );
    CREATE INDEX labels_candidate ON labels(candidate_id, id);

    CREATE TABLE jobs (
      id                INTEGER PRIMARY KEY,
      kind              TEXT NOT NULL,
      frame_id          INTEGER REFERENCES frames(id) ON DELETE CASCADE,
      profile           TEXT NOT NULL DEFAULT 'default',
      state             TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
      attempts          INTEGER NOT NULL DEFAULT 0,
      max_attempts      INTEGER NOT NULL DEFAULT 3,
      error             TEXT,
      error_code        TEXT,
      lease_owner       TEXT,
      lease_expires_at  INTEGER,
      not_before        INTEGER NOT NULL DEFAULT 0,
      created_at        INTEGER NOT NULL,
      started_at        INTEGER,
      finished_at       INTEGER,
      result_json       TEXT,
      UNIQUE (frame_id, kind)
    );
    CREATE INDEX jobs_state ON jobs(state, id);

    CREATE TABLE datasets (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      spec_json   TEXT,
      path        TEXT,
      created_at  INTEGER NOT NULL
    );
  `,
};
