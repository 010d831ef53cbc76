import type { Migration } from './index.js';

/**
 * The FITS integrity verdict of each frame at ingest (issue 23): `ok` when every CHECKSUM/DATASUM present
 * matched, `bad` when one did not (`checksum_note` then names the HDU and keyword), `absent` when the file
 * carries none. NULL for frames ingested before this migration, or not FITS.
 */
export const migration005: Migration = {
  version: 5,
  name: 'frame checksums',
  up: `
    ALTER TABLE frames ADD COLUMN checksum_state TEXT CHECK (checksum_state IN ('ok', 'bad', 'absent'));
    ALTER TABLE frames ADD COLUMN checksum_note TEXT;
  `,
};
