import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore, openDatabase } from '../../../../src-main/node/catalog/index.js';
import { migrations } from '../../../../src-main/node/catalog/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ingest(store: FrameStore, hash: string, path: string, job = true): ReturnType<FrameStore['ingest']> {
  return store.ingest({
    contentHash: hash,
    path,
    fileName: path.split('/').pop() ?? path,
    sizeBytes: 100,
    mtimeMs: 1,
    meta: { frameType: 'light', filter: 'V', mjd: 60000 + hash.length },
    job: job ? { kind: 'process-frame', profile: 'default', maxAttempts: 3 } : undefined,
  });
}

describe('catalog schema', () => {
  it('creates every table with WAL and foreign keys, version in user_version, and reopens without re-running', () => {
    const path = join(dir, 'a.sqlite');
    const db = openDatabase(path);
    assert.equal(db.pragma('user_version', { simple: true }), migrations[migrations.length - 1].version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    ).map((r) => r.name);
    for (const t of [
      'frames',
      'masters',
      'sources',
      'objects',
      'objects_rtree',
      'measurements',
      'candidates',
      'labels',
      'jobs',
      'datasets',
    ]) {
      assert.ok(tables.includes(t), `missing table ${t}`);
    }
    db.close();
    const again = openDatabase(path);
    assert.equal(again.pragma('user_version', { simple: true }), migrations[migrations.length - 1].version);
    again.close();
  });

  it('refuses a database from a newer workbench', () => {
    const path = join(dir, 'future.sqlite');
    const db = openDatabase(path);
    db.pragma('user_version = 999');
    db.close();
    assert.throws(() => openDatabase(path), /schema version 999 is newer/);
  });

  it('applies numbered migrations with gaps in order, only once, and refuses a list out of order', () => {
    const path = join(dir, 'gaps.sqlite');
    const step = (version: number) => ({ version, name: `m${version}`, up: `CREATE TABLE t${version} (x);` });
    const db = openDatabase(path, { migrations: [step(1), step(2), step(7)] });
    assert.equal(db.pragma('user_version', { simple: true }), 7);
    db.close();
    // A later list with the gap filled applies only what is newer than the stored version.
    const again = openDatabase(path, { migrations: [step(1), step(2), step(7), step(8)] });
    const tables = (
      again.prepare("SELECT name FROM sqlite_master WHERE name LIKE 't%'").all() as Array<{ name: string }>
    )
      .map((r) => r.name)
      .sort();
    assert.deepEqual(tables, ['t1', 't2', 't7', 't8']);
    again.close();
    assert.throws(
      () => openDatabase(join(dir, 'bad.sqlite'), { migrations: [step(1), step(3), step(2)] }),
      /out of order/,
    );
  });
});

describe('frames, sources and objects', () => {
  const catalog = Catalog.open(join(dir, 'b.sqlite'));
  after(() => catalog.close());
  const store = new FrameStore(catalog.db);

  it('keeps one frame and one job for the same content seen under two names', () => {
    const first = ingest(store, 'hash-1', '/data/a.fits');
    const second = ingest(store, 'hash-1', '/data/copy-of-a.fits');
    assert.equal(first.isNew, true);
    assert.equal(second.isNew, false);
    assert.equal(second.frameId, first.frameId);
    const stats = catalog.stats();
    assert.equal(stats.tables.frames, 1);
    assert.equal(stats.tables.jobs, 1);
    assert.deepEqual(catalog.frame(first.frameId)?.paths.sort(), ['/data/a.fits', '/data/copy-of-a.fits']);
  });

  it('writes sources in batches, cross-matches them into objects and builds light curves', () => {
    const writer = new FrameResultWriter(catalog.db);
    const n = 300; // more than one 64-row batch plus a remainder
    const make = (shiftArcsec: number) => {
      const ra = new Float64Array(n);
      const dec = new Float64Array(n);
      const x = new Float64Array(n);
      const flux = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        ra[i] = (359.99 + i * 0.001 + shiftArcsec / 3600) % 360; // crosses RA 360 → 0
        dec[i] = 20 + (i % 7) * 0.002;
        x[i] = i;
        flux[i] = 1000 + i;
      }
      return { count: n, x, y: x.slice(), ra, dec, flux, flags: new Int32Array(n) };
    };
    const f1 = ingest(store, 'hash-2', '/data/b.fits').frameId;
    const f2 = ingest(store, 'hash-3', '/data/c.fits').frameId;
    catalog.db.transaction(() =>
      writer.write(f1, { width: 10, height: 10, quality: {}, ran: [], skipped: [], sources: make(0) }),
    )();
    const summary = catalog.db.transaction(() =>
      writer.write(f2, { width: 10, height: 10, quality: {}, ran: [], skipped: [], sources: make(0.3) }),
    )();
    assert.equal(summary.newObjects, 0, 'a 0.3" shift matches the same objects');
    const stats = catalog.stats();
    assert.equal(stats.tables.sources, 2 * n);
    assert.equal(stats.tables.objects, n);
    assert.equal(stats.tables.measurements, 2 * n);
    const rows = catalog.sourcesOfFrame(f1, { limit: 1000 });
    assert.deepEqual(
      rows.map((r) => r.idx),
      [...Array(n).keys()],
    );
    assert.equal(rows[299].flux, 1299);
    const curve = catalog.lightCurve(rows[5].objectId ?? -1);
    assert.deepEqual(
      curve.map((m) => m.frameId),
      [f1, f2],
    );
    // Writing a frame again replaces its sources instead of doubling them.
    catalog.db.transaction(() =>
      writer.write(f1, { width: 10, height: 10, quality: {}, ran: [], skipped: [], sources: make(0) }),
    )();
    assert.equal(catalog.stats().tables.sources, 2 * n);
  });
});

describe('candidates and labels', () => {
  const catalog = Catalog.open(':memory:');
  after(() => catalog.close());

  it('keeps the label history and undoes the newest label', () => {
    const a = catalog.addCandidate({ kind: 'variable', score: 0.9 });
    const b = catalog.addCandidate({ kind: 'variable', score: 0.5 });
    catalog.addLabel(a, 'real', { who: 'ann' });
    catalog.addLabel(a, 'bogus', { who: 'bob', note: 'satellite' });
    assert.equal(catalog.listCandidates().find((c) => c.id === a)?.label, 'bogus');
    catalog.undoLabel(a);
    assert.equal(catalog.listCandidates().find((c) => c.id === a)?.label, 'real');
    assert.deepEqual(
      catalog.listCandidates({ unlabelled: true }).map((c) => c.id),
      [b],
    );
    const history = catalog.labelHistory(a);
    assert.deepEqual(
      history.map((h) => [h.label, h.undoneAt !== null]),
      [
        ['real', false],
        ['bogus', true],
      ],
    );
    assert.deepEqual(
      catalog.exportLabels().map((l) => [l.id, l.label, l.who]),
      [[a, 'real', 'ann']],
    );
    assert.throws(() => catalog.addLabel(999, 'real'), /no candidate 999/);
  });
});
