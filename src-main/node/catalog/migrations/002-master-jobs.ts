import type { Migration } from './index.js';

/** Jobs that rebuild a master frame name it (the filing code keeps at most one waiting per master). */
export const migration002: Migration = {
  version: 2,
  name: 'master rebuild jobs',
  up: `
    ALTER TABLE jobs ADD COLUMN master_id INTEGER REFERENCES masters(id) ON DELETE CASCADE;
    CREATE INDEX jobs_master ON jobs(master_id, state) WHERE master_id IS NOT NULL;
  `,
};
