// The BINARY2 source export read from the catalog's pages writes the very bytes the SQLite path writes
// (exportArrayRows over SOURCE_SELECT), for frames it reads from the pages and for the frames it hands back to
// SQLite (re-ordered, re-processed, a text in a number column), with nulls, computed magnitudes and chunking; and it
// declines, writing nothing, when the database file is not the read snapshot (a WAL not yet checkpointed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Catalog, FrameStore, SourceWriter } from '../../../../src-main/node/catalog/index.js';
import { exportArrayRows } from '../../../../src-main/node/catalog/export.js';
import { sourceArrays } from '../../../../src-main/node/catalog/export-source.js';
import { exportSourcesBinary2 } from '../../../../src-main/node/catalog/export-sources-binary2.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-export-pages-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/** `n` values, some NULL (NaN) when `nulls`, some whole numbers (SQLite stores those as integers in a REAL column). */
const column = (n: number, scale: number, nulls = false) =>
  Float64Array.from({ length: n }, (_, i) =>
    nulls && i % 17 === 3 ? Number.NaN : i % 23 === 5 ? Math.round(random() * scale) : (random() - 0.3) * scale,
  );

function addFrame(catalog: Catalog, name: string, n: number): number {
  const { frameId } = new FrameStore(catalog.db).ingest({
    contentHash: name,
    path: `/d/${name}.fits`,
    fileName: `${name}.fits`,
    sizeBytes: 1,
    mtimeMs: 1,
    meta: {},
  });
  const sources = {
    count: n,
    x: column(n, 4096),
    y: column(n, 4096),
    xErr: column(n, 0.1, true),
    yErr: column(n, 0.1, true),
    ra: column(n, 360, true),
    dec: column(n, 90, true),
    flux: column(n, 1e5),
    fluxErr: column(n, 100, true),
    fluxAuto: column(n, 1e5, true),
    mag: column(n, 20, true),
    magErr: column(n, 0.1, true),
    a: column(n, 5),
    b: column(n, 5),
    theta: column(n, 180),
    fwhm: column(n, 5),
    snr: column(n, 1000),
    flags: Int32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 << (i % 31) : i % 3)),
    magInst: column(n, -10, true),
  };
  const objectIds = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : 2 ** 40 + i));
  catalog.db.pragma('foreign_keys = OFF'); // object ids without objects rows: only the numbers matter here
  catalog.db.transaction(() => new SourceWriter(catalog.db).insert(frameId, sources as never, objectIds))();
  catalog.db.pragma('foreign_keys = ON');
  return frameId;
}

async function viaSqlite(catalog: Catalog, out: string, frameId?: number): Promise<number> {
  const { names, rows } = sourceArrays(catalog.db, { frameId });
  return exportArrayRows(names, rows, 'votable-binary2', { out, extname: 'SOURCES', fluxUnit: 'adu' });
}

/**
 * The page path on this thread and with helper threads (pieces of 1000 rows, so frames span pieces and threads):
 * both files are the SQLite path's, byte for byte; returns the stats, which must agree too.
 */
async function compare(catalog: Catalog, label: string, frameId?: number) {
  const b = join(dir, `${label}-sqlite.vot`);
  const n = await viaSqlite(catalog, b, frameId);
  const expected = readFileSync(b);
  const stats = [];
  for (const [name, threads, pieceRows] of [
    ['pages', 0, undefined],
    ['threads', 2, 1000],
  ] as const) {
    const a = join(dir, `${label}-${name}.vot`);
    const fast = await exportSourcesBinary2(catalog.db, {
      out: a,
      extname: 'SOURCES',
      fluxUnit: 'adu',
      frameId,
      threads,
      pieceRows,
    });
    assert.ok(fast, `${label} (${name}): the page path declined`);
    assert.equal(fast.rows, n);
    assert.ok(readFileSync(a).equals(expected), `${label} (${name}): files differ`);
    stats.push(fast.stats);
  }
  assert.deepEqual(stats[1], stats[0], `${label}: the threads took other paths`);
  return stats[0];
}

describe('source export to BINARY2 from the catalog pages', () => {
  const catalog = Catalog.open(join(dir, 'cat.sqlite'));
  after(() => catalog.close());
  // 6000 rows are ~1.4 MB of BINARY2: more than one 1 MB chunk, so frames span chunks and base64 carries.
  const frames = [addFrame(catalog, 'a', 6000), addFrame(catalog, 'b', 37), addFrame(catalog, 'c', 6000)];
  catalog.db
    .prepare("UPDATE frames SET phot_zp = 25.125, phot_zp_err = 0.031, phot_zp_band = 'G' WHERE id = ?")
    .run(frames[0]);
  catalog.db.prepare('UPDATE frames SET phot_zp = 24, phot_zp_err = NULL WHERE id = ?').run(frames[2]);
  catalog.db.pragma('wal_checkpoint(TRUNCATE)');

  it('writes the SQLite path bytes for every frame read from the pages', async () => {
    const stats = await compare(catalog, 'plain');
    assert.deepEqual(stats, { pageFrames: 3, sqliteFrames: 0 });
  });

  it(
    'astropy reads it (verify=exception) with the rows, nulls and calibrated magnitudes of the catalog',
    {
      skip: spawnSync('/usr/bin/python3', ['-c', 'import astropy.io.votable']).status === 0 ? false : 'needs astropy',
    },
    () => {
      const py = [
        'import sys, json, numpy as np',
        'from astropy.io.votable import parse',
        "t = parse(sys.argv[1], verify='exception').get_first_table().to_table()",
        "print(json.dumps([len(t), int(np.ma.count_masked(t['magCal'])), float(t['magCal'][1]), float(t['magInst'][1]),",
        "  str(t['zpSource'][1]), int(t['objectId'][1]), int(np.ma.count_masked(t['objectId']))]))",
      ].join('\n');
      const r = spawnSync('/usr/bin/python3', ['-c', py, join(dir, 'plain-pages.vot')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const [rows, maskedCal, magCal, magInst, zpSource, objectId, maskedObject] = JSON.parse(r.stdout) as never[];
      const truth = catalog.db
        .prepare('SELECT mag_inst AS m, object_id AS o FROM sources WHERE frame_id = ? AND idx = 1')
        .get(frames[0]) as { m: number; o: number };
      assert.equal(rows, 12037);
      // magCal is NULL where mag_inst is (every 17th row from 3) and for frame b, which has no zero point.
      const nullInst = catalog.db.prepare('SELECT count(*) FROM sources WHERE mag_inst IS NULL OR frame_id = ?');
      assert.equal(maskedCal, nullInst.pluck().get(frames[1]));
      assert.equal(magInst, truth.m);
      assert.equal(magCal, truth.m + 25.125); // to the bit: the same double addition as SQLite's
      assert.equal(zpSource, 'owb plate solve, G');
      assert.equal(objectId, truth.o);
      assert.equal(
        maskedObject,
        catalog.db.prepare('SELECT count(*) FROM sources WHERE object_id IS NULL').pluck().get(),
      );
    },
  );

  it('one frame', async () => {
    const stats = await compare(catalog, 'one', frames[2]);
    assert.deepEqual(stats, { pageFrames: 1, sqliteFrames: 0 });
  });

  it('hands frames that are not one run in index order to SQLite, even after writing some of them', async () => {
    // Frame a re-processed: its rows now come after c's in rowid order.
    const ids = catalog.db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx').pluck().all(frames[0]);
    catalog.db.transaction(() => {
      catalog.db
        .prepare(
          `INSERT INTO sources (frame_id, idx, x, y, ra, dec, flux, flags, mag_inst, mag_err)
           SELECT frame_id, idx, x + 1, y, ra, dec, flux, flags, mag_inst, mag_err FROM sources WHERE frame_id = ?`,
        )
        .run(frames[0]);
      catalog.db.prepare(`DELETE FROM sources WHERE id IN (${ids.join(',')})`).run();
    })();
    // Frame c: two rows near its end swap their idx (rowid order no longer idx order) after ~1 MB went out.
    const c = catalog.db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx').pluck().all(frames[2]);
    const [p, q] = [c[5990] as number, c[5991] as number];
    catalog.db.prepare('UPDATE sources SET idx = -idx - 1 WHERE id IN (?, ?)').run(p, q);
    catalog.db.prepare('UPDATE sources SET idx = 5991 WHERE id = ?').run(p);
    catalog.db.prepare('UPDATE sources SET idx = 5990 WHERE id = ?').run(q);
    // Frame b: a text in a REAL column.
    catalog.db.prepare("UPDATE sources SET flux = 'bright' WHERE frame_id = ? AND idx = 7").run(frames[1]);
    catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    const stats = await compare(catalog, 'mixed');
    // a is one run again (re-inserted together), b and c are not.
    assert.deepEqual(stats, { pageFrames: 1, sqliteFrames: 2 });
  });

  it('declines, writing nothing, while the WAL holds commits not copied back into the file', async () => {
    const other = new Database(join(dir, 'cat.sqlite'));
    other.pragma('wal_autocheckpoint = 0');
    catalog.db.pragma('wal_autocheckpoint = 0');
    other.prepare('UPDATE sources SET snr = snr + 1 WHERE id % 97 = 0').run();
    other.close(); // closing would checkpoint; the last connection is ours, so it does not
    const out = join(dir, 'declined.vot');
    assert.equal(await exportSourcesBinary2(catalog.db, { out, extname: 'SOURCES', fluxUnit: 'adu' }), undefined);
    assert.equal(existsSync(out), false);
    catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    catalog.db.pragma('wal_autocheckpoint = 1000');
    const stats = await compare(catalog, 'after-checkpoint');
    assert.equal(stats.pageFrames + stats.sqliteFrames, 3);
  });

  it('reads a rollback-journal catalog too', async () => {
    const c = Catalog.open(join(dir, 'delete.sqlite'));
    try {
      c.db.pragma('journal_mode = DELETE');
      addFrame(c, 'r', 700);
      const stats = await compare(c, 'rollback');
      assert.deepEqual(stats, { pageFrames: 1, sqliteFrames: 0 });
    } finally {
      c.close();
    }
  });
});
