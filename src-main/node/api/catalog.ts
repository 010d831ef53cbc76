import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportFile, ObjectRow, SourceQuery } from '../../common/workbench-dto.js';
import { SOURCE_SELECT } from '../catalog/catalog.js';
import type { CatalogSql, SqlValue } from '../catalog/catalog-sql.js';
import { exportRows } from '../catalog/export.js';
import { fluxUnitOf } from '../catalog/export-source.js';
import { sourceRegions } from '../catalog/export-regions.js';
import { angularDistanceArcsec, chordForArcsec, unitVector } from '../catalog/sky.js';
import type { HandlerGroup } from './handler-types.js';
import { OBJECT_COLUMNS, objectFromRow, sourceFromRow, type ObjectDbRow, type SourceDbRow } from './rows.js';
import type { WorkbenchServices } from './services.js';

type CatalogKeys =
  'owb:sources.query' | 'owb:objects.query' | 'owb:objects.cone' | 'owb:objects.lightCurve' | 'owb:catalog.export';

const SORT_COLUMNS: Record<NonNullable<SourceQuery['sortBy']>, string> = {
  id: 'id',
  frameId: 'frame_id',
  x: 'x',
  y: 'y',
  raDeg: 'ra',
  decDeg: 'dec',
  flux: 'flux',
  mag: 'mag',
  snr: 'snr',
  fwhmPx: 'fwhm',
  flags: 'flags',
};

function sourceWhere(
  q: { frameId?: number; minSnr?: number; search?: string },
  like = 'LIKE',
): { sql: string; args: SqlValue[] } {
  const clauses: string[] = [];
  const args: SqlValue[] = [];
  if (q.frameId !== undefined) {
    clauses.push('frame_id = ?');
    args.push(q.frameId);
  }
  if (q.minSnr !== undefined) {
    clauses.push('snr >= ?');
    args.push(q.minSnr);
  }
  const search = q.search?.trim();
  if (search) {
    // `#123` finds a source id, `obj:45` an object, anything else a frame file name.
    const id = /^#(\d+)$/.exec(search);
    const obj = /^obj:(\d+)$/i.exec(search);
    if (id) {
      clauses.push('id = ?');
      args.push(Number(id[1]));
    } else if (obj) {
      clauses.push('object_id = ?');
      args.push(Number(obj[1]));
    } else {
      clauses.push(`frame_id IN (SELECT id FROM frames WHERE file_name ${like} ?)`);
      args.push(`%${search}%`);
    }
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

/** Export formats of the sources table offered in the UI (the CLI offers the same through `owb catalog`). */
export type SourceExportFormat = 'csv' | 'ecsv' | 'votable' | 'fits' | 'ds9' | 'ds9-icrs';

const TABLE_FILES = {
  csv: { ext: 'csv', mime: 'text/csv', format: 'csv' },
  ecsv: { ext: 'ecsv', mime: 'text/plain', format: 'ecsv' },
  votable: { ext: 'vot', mime: 'application/x-votable+xml', format: 'votable' },
  fits: { ext: 'fits', mime: 'application/fits', format: 'fits' },
} as const;

/**
 * Objects that may lie within the cone, at most 5000: SQLite's R*Tree of unit vectors (a box around the
 * cone's chord), PostgreSQL's Q3C index (`q3c_radial_query`, a hair wider than asked). The caller keeps
 * those whose haversine distance is within the radius, the same test on both.
 */
async function coneRows(sql: CatalogSql, raDeg: number, decDeg: number, radiusArcsec: number): Promise<ObjectDbRow[]> {
  if (sql.backend === 'postgres')
    return sql.all<ObjectDbRow>(
      `SELECT ${OBJECT_COLUMNS} FROM objects o
        WHERE q3c_radial_query(o.ra, o.dec, ?::float8, ?::float8, ?::float8) ORDER BY o.id LIMIT 5000`,
      [raDeg, decDeg, (radiusArcsec / 3600) * (1 + 1e-6) + 1e-9],
    );
  const c = unitVector(raDeg, decDeg);
  const r = chordForArcsec(radiusArcsec);
  return sql.all<ObjectDbRow>(
    `SELECT ${OBJECT_COLUMNS}
       FROM objects_rtree t JOIN objects o ON o.id = t.id
      WHERE t.max_x >= ? AND t.min_x <= ? AND t.max_y >= ? AND t.min_y <= ? AND t.max_z >= ? AND t.min_z <= ?
      LIMIT 5000`,
    [c[0] - r, c[0] + r, c[1] - r, c[1] + r, c[2] - r, c[2] + r],
  );
}

export async function exportSources(
  services: WorkbenchServices,
  format: SourceExportFormat,
  frameId?: number,
  minSnr?: number,
): Promise<ExportFile> {
  const where = sourceWhere({ frameId, minSnr });
  const stem = frameId !== undefined ? `frame-${frameId}-sources` : 'sources';
  if (format === 'ds9' || format === 'ds9-icrs') {
    const rows = services.db
      .prepare(`SELECT * FROM sources ${where.sql} ORDER BY frame_id, idx`)
      .all(...where.args) as Array<SourceDbRow & { a: number | null; b: number | null; theta: number | null }>;
    const text = sourceRegions(services.db, rows, format, frameId);
    return { fileName: `${stem}${format === 'ds9' ? '' : '-icrs'}.reg`, mimeType: 'text/plain', text };
  }
  const file = TABLE_FILES[format];
  const dir = await mkdtemp(join(tmpdir(), 'owb-export-'));
  try {
    const path = join(dir, `${stem}.${file.ext}`);
    // The rows `owb catalog sources` writes (calibrated magnitudes included), not the bare table's.
    const tableRows = services.db
      .prepare(`${SOURCE_SELECT} ${where.sql} ORDER BY frame_id, idx`)
      .all(...where.args) as Array<Record<string, unknown>>;
    await exportRows(tableRows, file.format, {
      out: path,
      extname: 'SOURCES',
      fluxUnit: fluxUnitOf(services.db, frameId),
      fitsHeader: [{ key: 'RADESYS', value: 'ICRS' }],
    });
    const bytes = new Uint8Array(await readFile(path));
    return format === 'fits'
      ? { fileName: `${stem}.fits`, mimeType: file.mime, bytes }
      : { fileName: `${stem}.${file.ext}`, mimeType: file.mime, text: Buffer.from(bytes).toString('utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const catalogHandlers: HandlerGroup<CatalogKeys> = (services) => {
  const { sql } = services;
  // Counting a million rows costs tens of milliseconds: scrolling asks for many pages of one filter,
  // so the count is reused for a second.
  const counts = new Map<string, { n: number; at: number }>();
  const countOf = async (where: { sql: string; args: SqlValue[] }): Promise<number> => {
    const key = `${where.sql}|${JSON.stringify(where.args)}`;
    const hit = counts.get(key);
    if (hit && Date.now() - hit.at < 1000) return hit.n;
    const n = (
      (await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sources ${where.sql}`, where.args)) as {
        n: number;
      }
    ).n;
    if (counts.size > 50) counts.clear();
    counts.set(key, { n, at: Date.now() });
    return n;
  };
  return {
    'owb:sources.query': async (q) => {
      const where = sourceWhere(q, sql.dialect.like);
      const total = await countOf(where);
      const column = SORT_COLUMNS[q.sortBy ?? 'id'];
      const rows = await sql.all<SourceDbRow>(
        `SELECT * FROM sources ${where.sql}
          ORDER BY ${column} ${q.descending ? 'DESC' : 'ASC'} ${sql.dialect.nulls(q.descending === true)}, id LIMIT ? OFFSET ?`,
        [...where.args, q.limit, q.offset],
      );
      return { total, offset: q.offset, rows: rows.map(sourceFromRow) };
    },

    'owb:objects.query': async (q) => {
      const where = q.minMeasurements ? 'WHERE n_obs >= ?' : '';
      const args = q.minMeasurements ? [q.minMeasurements] : [];
      const total = (
        (await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM objects ${where}`, args)) as { n: number }
      ).n;
      const column = { id: 'id', raDeg: 'ra', decDeg: 'dec', nMeasurements: 'n_obs' }[q.sortBy ?? 'id'];
      const rows = await sql.all<ObjectDbRow>(
        `SELECT ${OBJECT_COLUMNS}
           FROM objects o ${where} ORDER BY ${column} ${q.descending ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`,
        [...args, q.limit, q.offset],
      );
      return { total, offset: q.offset, rows: rows.map(objectFromRow) };
    },

    'owb:objects.cone': async ({ raDeg, decDeg, radiusArcsec }) => {
      const rows = await coneRows(sql, raDeg, decDeg, radiusArcsec);
      const out: ObjectRow[] = [];
      for (const row of rows) {
        const separationArcsec = angularDistanceArcsec(raDeg, decDeg, row.ra, row.dec);
        if (separationArcsec <= radiusArcsec) out.push({ ...objectFromRow(row), separationArcsec });
      }
      // Ties by id, so both backends (whose index scans differ) answer in one order.
      return out.sort((a, b) => (a.separationArcsec ?? 0) - (b.separationArcsec ?? 0) || a.id - b.id);
    },

    'owb:objects.lightCurve': async ({ objectId }) => {
      const rows = await sql.all<{
        mjd: number | null;
        mag: number | null;
        mag_err: number | null;
        flux: number | null;
        flux_err: number | null;
        filter: string | null;
        frame_id: number;
      }>(
        `SELECT mjd, mag, mag_err, flux, flux_err, filter, frame_id FROM measurements WHERE object_id = ?
          ORDER BY mjd ${sql.dialect.nulls(false)}, frame_id`,
        [objectId],
      );
      return rows
        .filter((r) => r.mjd != null)
        .map((r) => ({
          mjd: r.mjd as number,
          mag: r.mag,
          magErr: r.mag_err,
          flux: r.flux ?? Number.NaN,
          fluxErr: r.flux_err,
          filter: r.filter,
          frameId: r.frame_id,
        }));
    },

    'owb:catalog.export': ({ format, frameId, minSnr }) => exportSources(services, format, frameId, minSnr),
  };
};
