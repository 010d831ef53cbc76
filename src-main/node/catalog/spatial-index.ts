import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import { angularDistanceArcsec, chord2, chordForArcsec, normaliseRa, unitVector } from './sky.js';

export interface SkyObject {
  id: number;
  ra: number;
  dec: number;
  nObs: number;
  firstMjd: number | null;
  lastMjd: number | null;
}

export interface ConeHit extends SkyObject {
  distanceArcsec: number;
}

/**
 * Objects indexed by an R*Tree over their unit vectors. A cone of angular radius r is the set of unit vectors
 * within chord 2·sin(r/2) of the centre, so the query box is the centre ± that chord in x, y and z: no seam
 * at RA 0/360, no blow-up at the poles. The R*Tree stores 32-bit floats (rounded outwards), so the box is
 * widened by a hair and every candidate is checked exactly in double precision.
 */
export class SpatialIndex {
  private readonly insertObject: Statement;
  private readonly insertBox: Statement;
  private readonly boxQuery: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.insertObject = db.prepare(
      'INSERT INTO objects (ra, dec, cx, cy, cz, n_obs, first_mjd, last_mjd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertBox = db.prepare(
      'INSERT INTO objects_rtree (id, min_x, max_x, min_y, max_y, min_z, max_z) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.boxQuery = db
      .prepare(
        `SELECT o.id, o.ra, o.dec, o.cx, o.cy, o.cz, o.n_obs AS nObs, o.first_mjd AS firstMjd, o.last_mjd AS lastMjd
           FROM objects_rtree r JOIN objects o ON o.id = r.id
          WHERE r.min_x <= ? AND r.max_x >= ? AND r.min_y <= ? AND r.max_y >= ? AND r.min_z <= ? AND r.max_z >= ?`,
      )
      .raw(false);
  }

  /** Adds an object at (ra, dec) degrees; returns its id. Call inside the caller's transaction. */
  add(raDeg: number, decDeg: number, nObs = 0, mjd: number | null = null, now = Date.now()): number {
    const ra = normaliseRa(raDeg);
    const [x, y, z] = unitVector(ra, decDeg);
    const id = Number(this.insertObject.run(ra, decDeg, x, y, z, nObs, mjd, mjd, now).lastInsertRowid);
    this.insertBox.run(id, x, x, y, y, z, z);
    return id;
  }

  /** Objects within `radiusArcsec` of (ra, dec), nearest first. */
  cone(raDeg: number, decDeg: number, radiusArcsec: number): ConeHit[] {
    const c = unitVector(raDeg, decDeg);
    const chord = chordForArcsec(radiusArcsec);
    const limit2 = chord * chord;
    const pad = chord + 1e-7;
    const rows = this.boxQuery.all(c[0] + pad, c[0] - pad, c[1] + pad, c[1] - pad, c[2] + pad, c[2] - pad) as Array<
      SkyObject & { cx: number; cy: number; cz: number }
    >;
    const hits: ConeHit[] = [];
    for (const r of rows) {
      if (chord2(c, r.cx, r.cy, r.cz) > limit2 * (1 + 1e-9)) continue;
      const distanceArcsec = angularDistanceArcsec(raDeg, decDeg, r.ra, r.dec);
      if (distanceArcsec > radiusArcsec) continue;
      hits.push({
        id: r.id,
        ra: r.ra,
        dec: r.dec,
        nObs: r.nObs,
        firstMjd: r.firstMjd,
        lastMjd: r.lastMjd,
        distanceArcsec,
      });
    }
    hits.sort((a, b) => a.distanceArcsec - b.distanceArcsec || a.id - b.id);
    return hits;
  }

  /** The nearest object within `radiusArcsec`, if any. */
  nearest(raDeg: number, decDeg: number, radiusArcsec: number): ConeHit | undefined {
    return this.cone(raDeg, decDeg, radiusArcsec)[0];
  }
}
