import type { ProcessFrameOutput, SourceColumns } from '../../common/tasks/process-frame.js';
import type { SqliteDatabase } from './database.js';
import { SourceWriter } from './source-writer.js';
import { SpatialIndex } from './spatial-index.js';

export interface CommitOptions {
  /** Sources within this distance of a known object are the same object [1.5]. */
  matchRadiusArcsec?: number;
}

export interface CommitSummary {
  sources: number;
  newObjects: number;
  measurements: number;
}

/**
 * Writes one processed frame's results: frame metadata, sources, cross-matched objects and light-curve
 * points, and the plate solution and zero point when the `solve` step ran (migration 006). Runs inside the job's completing transaction (never on its own), so results and the job's
 * state change land together.
 */
export class FrameResultWriter {
  private readonly sources: SourceWriter;
  private readonly spatial: SpatialIndex;
  private readonly updateFrame;
  private readonly frameInfo;
  private readonly deleteSources;
  private readonly bumpObject;
  private readonly insertMeasurement;
  private readonly updateSolve;

  constructor(db: SqliteDatabase) {
    this.sources = new SourceWriter(db);
    this.spatial = new SpatialIndex(db);
    this.updateFrame = db.prepare(
      `UPDATE frames SET width = ?, height = ?, quality_json = ?, source_count = ?, status = 'processed', error = NULL,
         processed_at = ? WHERE id = ?`,
    );
    this.frameInfo = db.prepare('SELECT mjd, filter FROM frames WHERE id = ?');
    this.deleteSources = db.prepare('DELETE FROM sources WHERE frame_id = ?');
    this.bumpObject = db.prepare(
      `UPDATE objects SET n_obs = n_obs + 1, first_mjd = min(coalesce(first_mjd, @mjd), @mjd), last_mjd = max(coalesce(last_mjd, @mjd), @mjd)
        WHERE id = @id`,
    );
    this.insertMeasurement = db.prepare(
      'INSERT INTO measurements (object_id, frame_id, source_id, mjd, filter, flux, flux_err, mag, mag_err, mag_inst) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateSolve = db.prepare(
      `UPDATE frames SET solve_status = @status, solve_reason = @reason, solve_json = @json, phot_zp = @zp, phot_zp_err = @zpErr,
         phot_zp_band = @band, phot_colour = @colour, phot_colour_term = @ct, phot_colour_term_err = @ctErr,
         wcs_json = coalesce(@wcs, wcs_json), ra_center = coalesce(@ra, ra_center), dec_center = coalesce(@dec, dec_center)
       WHERE id = @id`,
    );
  }

  write(frameId: number, output: ProcessFrameOutput, options: CommitOptions = {}): CommitSummary {
    const info = this.frameInfo.get(frameId) as { mjd: number | null; filter: string | null } | undefined;
    if (!info) throw new Error(`frame ${frameId} is not in the catalog`);
    const s = output.sources;
    const count = s?.count ?? 0;
    // Re-processing replaces a frame's sources (never doubles them).
    this.deleteSources.run(frameId);
    let newObjects = 0;
    let measurements = 0;
    if (s && count > 0) {
      const objectIds = this.matchObjects(s, info.mjd, options.matchRadiusArcsec ?? 1.5);
      newObjects = objectIds.created;
      const ids = this.sources.insert(frameId, s, objectIds.ids);
      for (let i = 0; i < count; i++) {
        const objectId = objectIds.ids[i];
        if (objectId === null) continue;
        this.insertMeasurement.run(
          objectId,
          frameId,
          ids[i],
          info.mjd,
          info.filter,
          num(s.flux, i),
          num(s.fluxErr, i),
          num(s.mag, i),
          num(s.magErr, i),
          num(s.magInst, i),
        );
        measurements++;
      }
    }
    this.updateFrame.run(output.width, output.height, JSON.stringify(output.quality ?? {}), count, Date.now(), frameId);
    const solve = output.solve;
    if (solve) {
      // The solution replaces the frame's WCS in the catalog (the file is never rewritten); its centre
      // becomes the frame's sky position.
      const { wcs, ...summary } = solve;
      this.updateSolve.run({
        id: frameId,
        status: solve.solved ? 'solved' : 'unsolved',
        reason: solve.reason ?? null,
        json: JSON.stringify(summary),
        zp: solve.zeroPoint ?? null,
        zpErr: solve.zeroPointErr ?? null,
        band: solve.zeroPointBand ?? null,
        colour: solve.colourName ?? null,
        ct: solve.colourTerm ?? null,
        ctErr: solve.colourTermErr ?? null,
        wcs: wcs ? JSON.stringify(wcs) : null,
        ra: solve.centreRa ?? null,
        dec: solve.centreDec ?? null,
      });
    }
    return { sources: count, newObjects, measurements };
  }

  /** Nearest known object within the radius for each source with sky coordinates, else a new object. */
  private matchObjects(
    s: SourceColumns,
    mjd: number | null,
    radiusArcsec: number,
  ): { ids: (number | null)[]; created: number } {
    const ids: (number | null)[] = new Array(s.count).fill(null);
    let created = 0;
    if (!s.ra || !s.dec) return { ids, created };
    const taken = new Set<number>();
    for (let i = 0; i < s.count; i++) {
      const ra = s.ra[i];
      const dec = s.dec[i];
      if (!Number.isFinite(ra) || !Number.isFinite(dec) || dec < -90 || dec > 90) continue;
      const hit = this.spatial.cone(ra, dec, radiusArcsec).find((h) => !taken.has(h.id));
      let id: number;
      if (hit) {
        id = hit.id;
        this.bumpObject.run({ mjd, id });
      } else {
        id = this.spatial.add(ra, dec, 1, mjd);
        created++;
      }
      taken.add(id);
      ids[i] = id;
    }
    return { ids, created };
  }
}

function num(col: ArrayLike<number> | undefined, i: number): number | null {
  if (!col) return null;
  const v = col[i];
  return Number.isFinite(v) ? v : null;
}
