import type { Migration } from './index.js';

/** Live stacks of watched folders: one per profile, filter and frame size, with the frames each holds. */
export const migration003: Migration = {
  version: 3,
  name: 'live stacks',
  up: `
    CREATE TABLE stacks (
      id                  INTEGER PRIMARY KEY,
      stack_key           TEXT NOT NULL UNIQUE,
      profile             TEXT NOT NULL,
      filter              TEXT,
      width               INTEGER,
      height              INTEGER,
      reference_frame_id  INTEGER NOT NULL REFERENCES frames(id),
      path                TEXT NOT NULL,
      frame_count         INTEGER NOT NULL DEFAULT 0,
      created_at          INTEGER NOT NULL,
      updated_at          INTEGER
    );
    CREATE TABLE stack_frames (
      stack_id  INTEGER NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
      frame_id  INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
      method    TEXT,
      rms_px    REAL,
      added_at  INTEGER NOT NULL,
      PRIMARY KEY (stack_id, frame_id)
    );
  `,
};
