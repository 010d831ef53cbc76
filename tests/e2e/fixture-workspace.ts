/**
 * A small generated workspace for the UI tests: seeded star fields written as FITS with a TAN WCS, and a
 * catalog (created by `node/catalog`'s own migrations) holding those frames, their true stars as
 * detections, objects with light curves, and finished jobs. Deterministic, a second or so to build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFits, imageHdu } from '../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import { openDatabase } from '../../src-main/node/catalog/database.js';
import { unitVector } from '../../src-main/node/catalog/sky.js';

export interface FixtureOptions {
  frames?: number;
  sizePx?: number;
  starCount?: number;
}

const RA0 = 202.47;
const DEC0 = 47.2;
const SCALE_DEG = 1 / 3600; // 1″ per pixel

export function pixelToSky(x: number, y: number, size: number): [number, number] {
  // Small-field approximation of the TAN projection written in the header (good to < 0.01″ here).
  const dx = (x - (size - 1) / 2) * -SCALE_DEG;
  const dy = (y - (size - 1) / 2) * SCALE_DEG;
  return [RA0 + dx / Math.cos((DEC0 * Math.PI) / 180), DEC0 + dy];
}

export function createFixtureWorkspace(
  dir: string,
  options: FixtureOptions = {},
): { dir: string; dbPath: string; sourceCount: number } {
  const frames = options.frames ?? 3;
  const size = options.sizePx ?? 512;
  mkdirSync(join(dir, 'frames'), { recursive: true });
  const dbPath = join(dir, 'catalog.db');
  const db = openDatabase(dbPath);
  const now = Date.now();
  let sourceCount = 0;
  const objectIds: number[] = [];
  db.transaction(() => {
    for (let f = 0; f < frames; f++) {
      const { image, stars } = simulateStarField({
        widthPx: size,
        heightPx: size,
        starCount: options.starCount ?? 40,
        fwhmPx: 3 + 0.3 * f,
        skyAdu: 1000,
        seed: 7,
        noiseSeed: 100 + f,
        shiftPx: [0, 0],
      });
      const dateObs = new Date(Date.UTC(2026, 2, 14, 22, 10 * f)).toISOString().slice(0, 19);
      const mjd = 61113.9 + f * 0.007;
      const header = {
        OBJECT: 'M51 field',
        IMAGETYP: 'light',
        FILTER: f % 2 ? 'V' : 'R',
        EXPTIME: 60,
        'DATE-OBS': dateObs,
        CTYPE1: 'RA---TAN',
        CTYPE2: 'DEC--TAN',
        CRPIX1: (size - 1) / 2 + 1,
        CRPIX2: (size - 1) / 2 + 1,
        CRVAL1: RA0,
        CRVAL2: DEC0,
        CD1_1: -SCALE_DEG,
        CD1_2: 0,
        CD2_1: 0,
        CD2_2: SCALE_DEG,
      };
      const fileName = `m51_${String(f + 1).padStart(3, '0')}.fits`;
      const path = join(dir, 'frames', fileName);
      const bytes = encodeFits([imageHdu(image, { header })]);
      writeFileSync(path, bytes);
      const frameId = Number(
        db
          .prepare(
            `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec, date_obs, mjd, width, height, quality_json, source_count, status, created_at, processed_at)
             VALUES (?, ?, ?, ?, ?, 'light', ?, 60, ?, ?, ?, ?, ?, ?, 'done', ?, ?)`,
          )
          .run(
            `fixture-${f}`,
            path,
            fileName,
            bytes.length,
            JSON.stringify(header),
            header.FILTER,
            dateObs,
            mjd,
            size,
            size,
            JSON.stringify({ fwhmPx: 3 + 0.3 * f, backgroundAdu: 1000 }),
            stars.length,
            now,
            now,
          ).lastInsertRowid,
      );
      stars.forEach((s, i) => {
        const [ra, dec] = pixelToSky(s.x, s.y, size);
        if (f === 0) {
          const v = unitVector(ra, dec);
          const id = Number(
            db
              .prepare('INSERT INTO objects (ra, dec, cx, cy, cz, n_obs, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)')
              .run(ra, dec, v[0], v[1], v[2], now).lastInsertRowid,
          );
          db.prepare(
            'INSERT INTO objects_rtree (id, min_x, max_x, min_y, max_y, min_z, max_z) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ).run(id, v[0], v[0], v[1], v[1], v[2], v[2]);
          objectIds.push(id);
        }
        const noise = Math.sqrt(s.fluxAdu + 9 * 3.14 * 1000);
        const mag = 25 - 2.5 * Math.log10(s.fluxAdu);
        const sourceId = Number(
          db
            .prepare(
              'INSERT INTO sources (frame_id, idx, x, y, ra, dec, flux, flux_err, mag, mag_err, a, b, theta, fwhm, snr, flags, object_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(
              frameId,
              i,
              s.x,
              s.y,
              ra,
              dec,
              s.fluxAdu,
              noise,
              mag,
              1.0857 * (noise / s.fluxAdu),
              s.fwhmPx / 2.3548,
              s.fwhmPx / 2.3548,
              0,
              s.fwhmPx,
              s.fluxAdu / noise,
              0,
              objectIds[i],
            ).lastInsertRowid,
        );
        db.prepare(
          'INSERT INTO measurements (object_id, frame_id, source_id, mjd, filter, flux, flux_err, mag, mag_err) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(objectIds[i], frameId, sourceId, mjd, header.FILTER, s.fluxAdu, noise, mag, 1.0857 * (noise / s.fluxAdu));
        db.prepare('UPDATE objects SET n_obs = n_obs + 1 WHERE id = ?').run(objectIds[i]);
        sourceCount++;
      });
      db.prepare(
        "INSERT INTO jobs (kind, frame_id, state, attempts, created_at, started_at, finished_at) VALUES ('process-frame', ?, 'done', 1, ?, ?, ?)",
      ).run(frameId, now - 5000, now - 4000, now - 3000);
    }
  })();
  db.close();
  return { dir, dbPath, sourceCount };
}
