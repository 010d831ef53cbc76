import { migration001 } from './001-initial.js';
import { migration002 } from './002-master-jobs.js';
import { migration003 } from './003-live-stacks.js';
import { migration004 } from './004-frame-times.js';
import { migration005 } from './005-frame-checksums.js';
import { migration006 } from './006-plate-solutions.js';
import { migration007 } from './007-variability.js';
import { migration008 } from './008-model-scores.js';
import { migration009 } from './009-comparison-stars.js';
import { migration010 } from './010-photometric-colour.js';
import { migration011 } from './011-frame-hjd.js';

/**
 * One schema step: `up` runs inside the migration transaction. Versions increase but may skip numbers
 * (each branch of work reserves its own), so the schema version is the last step's, not the list's length.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL script, or a function for steps that need logic. */
  up: string | ((db: import('better-sqlite3').Database) => void);
}

/** Append-only list: the schema version of a database is `PRAGMA user_version`. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
];

/** The schema version this build migrates a catalog to. */
export const latestSchemaVersion: number = migrations.length ? migrations[migrations.length - 1].version : 0;
