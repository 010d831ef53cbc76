/**
 * Work that may still give a light its masters: master builds queued or running, and calibration frames not
 * yet filed. A light that requires masters waits while any is left, not only while a build is queued: frames
 * are leased in ingest order, and a light ingested between two biases would otherwise find no master yet and
 * fail although the night's biases were already in the folder. The SQL runs on SQLite and PostgreSQL alike.
 */
export const PENDING_MASTER_WORK_SQL = `SELECT
  (SELECT count(*) FROM jobs WHERE kind = 'build-master' AND state IN ('queued', 'running'))
  + (SELECT count(*) FROM jobs j JOIN frames f ON f.id = j.frame_id
      WHERE j.kind = 'process-frame' AND j.state IN ('queued', 'running')
        AND f.frame_type IN ('bias', 'dark', 'flat')) AS n`;
