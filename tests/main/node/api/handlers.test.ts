import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHandlers, dispatch, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

describe('api handlers over a generated workspace', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-api-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 128, starCount: 12 });
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers Results with codes for unknown channels, bad payloads and missing rows', async () => {
    assert.deepEqual(await dispatch(handlers, 'owb:nope', {}), {
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: "unknown channel 'owb:nope'" },
    });
    const bad = await dispatch(handlers, 'owb:frames.get', { frameId: 'x' });
    assert.equal(bad.ok ? '' : bad.error.code, 'BAD_PAYLOAD');
    const missing = await dispatch(handlers, 'owb:frames.get', { frameId: 999 });
    assert.equal(missing.ok ? '' : missing.error.code, 'NOT_FOUND');
  });

  it('lists frames, reads pixels and header, and returns columnar detections', async () => {
    const frames = await handlers['owb:frames.list']({});
    assert.equal(frames.length, 2);
    const detail = await handlers['owb:frames.get']({ frameId: frames[0].id });
    assert.equal(detail.header.find((c) => c.key === 'CTYPE1')?.value, 'RA---TAN');
    const pixels = await handlers['owb:frames.pixels']({ frameId: frames[0].id });
    assert.equal(pixels.width * pixels.height, pixels.data.length);
    assert.equal(pixels.width, 128);
    const binned = await handlers['owb:frames.pixels']({ frameId: frames[0].id, binning: 4 });
    assert.equal(binned.width, 32);
    const sources = await handlers['owb:frames.sources']({ frameId: frames[0].id });
    assert.equal(sources.count, 12);
    assert.ok(sources.x instanceof Float32Array);
  });

  it('stores labels with history, undoes the latest, and exports the current labels', async () => {
    const queue = await handlers['owb:curation.queue']({ kind: 'detection', unlabelledOnly: true });
    assert.equal(queue.length, 24);
    await handlers['owb:labels.set']({ targetKind: 'detection', targetId: queue[0].id, label: 'accept' });
    await handlers['owb:labels.set']({ targetKind: 'detection', targetId: queue[0].id, label: 'class:3' });
    await handlers['owb:labels.set']({ targetKind: 'detection', targetId: queue[1].id, label: 'reject' });
    const undone = await handlers['owb:labels.undo']({});
    assert.equal(undone?.targetId, queue[1].id);
    assert.equal(undone?.label, null);
    const history = await handlers['owb:labels.history']({ targetKind: 'detection', targetId: queue[0].id });
    assert.deepEqual(
      history.map((h) => h.label),
      ['accept', 'class:3'],
    );
    const csv = (await handlers['owb:labels.exportCsv']({})).text!.trim().split('\n');
    assert.equal(csv.length, 2);
    assert.match(csv[1], /class:3/);
    const rest = await handlers['owb:curation.queue']({ kind: 'detection', unlabelledOnly: true });
    assert.equal(rest.length, 23);
    const stamps = await handlers['owb:curation.stamps']({ kind: 'detection', id: queue[0].id, sizePx: 32 });
    assert.equal(stamps.science.data.length, 32 * 32);
  });

  it('pages and sorts sources, finds objects in a cone and their light curves', async () => {
    const page = await handlers['owb:sources.query']({ offset: 0, limit: 5, sortBy: 'snr', descending: true });
    assert.equal(page.total, 24);
    assert.equal(page.rows.length, 5);
    assert.ok(page.rows[0].snr >= page.rows[4].snr);
    const first = page.rows[0];
    const cone = await handlers['owb:objects.cone']({ raDeg: first.raDeg!, decDeg: first.decDeg!, radiusArcsec: 1 });
    assert.equal(cone[0].id, first.objectId);
    const curve = await handlers['owb:objects.lightCurve']({ objectId: first.objectId! });
    assert.equal(curve.length, 2);
    const objects = await handlers['owb:objects.query']({ offset: 0, limit: 3, sortBy: 'decDeg', descending: true });
    assert.equal(objects.total, 12);
    assert.equal(objects.rows.length, 3);
    assert.ok(objects.rows[0].decDeg >= objects.rows[2].decDeg);
    assert.equal(objects.rows[0].nMeasurements, 2);
    const ds9 = await handlers['owb:catalog.export']({ format: 'ds9', frameId: first.frameId });
    assert.match(ds9.text!, /^# Region file format: DS9/);
  });
});

describe('pipeline handlers', () => {
  it('retries a failed job (back to queued, attempts reset) and refuses to retry a finished one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-api-jobs-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 64, starCount: 3 });
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      services.db
        .prepare(
          "UPDATE jobs SET state = 'failed', error = 'FITS_TRUNCATED: m51_002.fits is truncated', attempts = 3 WHERE id = 2",
        )
        .run();
      const handlers = createHandlers(services);
      const events: unknown[] = [];
      services.events.on('owb:jobs.changed', (job) => events.push(job));
      const stats = await handlers['owb:pipeline.stats']({});
      assert.deepEqual(stats.jobsByState, { done: 1, failed: 1 });
      const jobs = await handlers['owb:jobs.list']({});
      assert.equal(jobs[0].state, 'failed', 'failed jobs are listed before finished ones');
      assert.match(jobs[0].error ?? '', /FITS_TRUNCATED/);
      const retried = await handlers['owb:jobs.retry']({ jobId: 2 });
      assert.equal(retried.state, 'queued');
      assert.equal(retried.attempts, 0);
      assert.equal(retried.error, null);
      assert.equal(events.length, 1);
      const refused = await dispatch(handlers, 'owb:jobs.retry', { jobId: 1 });
      assert.equal(refused.ok ? '' : refused.error.code, 'NOT_FAILED');
      const noWatcher = await dispatch(handlers, 'owb:watch.add', { path: dir, profile: 'default' });
      assert.equal(noWatcher.ok ? '' : noWatcher.error.code, 'UNAVAILABLE');
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('catalog export formats', () => {
  it('writes a FITS BINTABLE with the 1-based X_IMAGE column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-api-export-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 3 });
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      const file = await createHandlers(services)['owb:catalog.export']({ format: 'fits' });
      assert.equal(file.fileName, 'sources.fits');
      const bytes = file.bytes!;
      assert.equal(bytes.length % 2880, 0);
      const text = Buffer.from(bytes).toString('latin1');
      assert.match(text, /^SIMPLE {2}=\s+T/);
      assert.match(text, /XTENSION= 'BINTABLE'/);
      assert.match(text, /X_IMAGE/);
      assert.match(text, /TUCD\d+ += 'pos.eq.ra;meta.main'/);
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the calibrated magnitudes of solved frames, as owb catalog sources does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-api-export-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 3 });
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      services.db.prepare('UPDATE sources SET mag_inst = -8.5, mag_err = 0.03').run();
      services.db.prepare('UPDATE frames SET phot_zp = 24.25, phot_zp_err = 0.04').run();
      const file = await createHandlers(services)['owb:catalog.export']({ format: 'csv' });
      const lines = file.text!.split('\n').filter((l) => l && !l.startsWith('#'));
      const header = lines[0].split(',');
      const rows = lines.slice(1).map((l) => l.split(','));
      assert.ok(rows.length >= 3, `${rows.length} rows`);
      for (const r of rows) {
        assert.equal(Number(r[header.indexOf('magCal')]), 15.75);
        assert.ok(Math.abs(Number(r[header.indexOf('magCalErr')]) - 0.05) < 1e-12);
      }
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('DS9 image ellipses keep the catalog position angle (degrees, not radians taken for degrees)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-api-export-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 3 });
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      services.db.prepare('UPDATE sources SET a = 2, b = 1, theta = 30').run();
      const file = await createHandlers(services)['owb:catalog.export']({ format: 'ds9' });
      const ellipses = file.text!.split('\n').filter((l) => l.startsWith('ellipse('));
      assert.ok(ellipses.length > 0);
      for (const l of ellipses) assert.match(l, /^ellipse\([\d.]+,[\d.]+,6\.00,3\.00,30\.00\)/);
      const votable = await createHandlers(services)['owb:catalog.export']({ format: 'votable' });
      assert.match(votable.text!, /<FIELD name="theta" datatype="double" unit="deg" ucd="pos.posAng">/);
      await assert.rejects(async () => {
        await createHandlers(services)['owb:catalog.export']({ format: 'ds9-icrs' });
      }, /choose a frame/);
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('change polling', () => {
  it(
    'turns catalog changes made by another writer into frames.added, jobs.changed and sources.added events',
    { timeout: 30_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'owb-api-poll-'));
      createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 3 });
      const services = openWorkspace(dir, { pollIntervalMs: 20 });
      const seen: string[] = [];
      services.events.onAny((channel) => seen.push(channel));
      try {
        const other = openDatabase(join(dir, 'catalog.db'));
        const now = Date.now();
        const frameId = Number(
          other
            .prepare(
              "INSERT INTO frames (content_hash, path, file_name, size_bytes, frame_type, status, created_at) VALUES ('x', '/tmp/x.fits', 'x.fits', 1, 'light', 'new', ?)",
            )
            .run(now).lastInsertRowid,
        );
        const jobId = Number(
          other
            .prepare("INSERT INTO jobs (kind, frame_id, state, created_at) VALUES ('process-frame', ?, 'queued', ?)")
            .run(frameId, now).lastInsertRowid,
        );
        while (!seen.includes('owb:jobs.changed')) await new Promise((r) => setTimeout(r, 10));
        other
          .prepare("UPDATE jobs SET state = 'done', started_at = ?, finished_at = ? WHERE id = ?")
          .run(now, now + 5, jobId);
        other
          .prepare("UPDATE frames SET status = 'processed', processed_at = ?, source_count = 7 WHERE id = ?")
          .run(now + 5, frameId);
        other.close();
        while (seen.filter((c) => c === 'owb:jobs.changed').length < 2 || !seen.includes('owb:sources.added'))
          await new Promise((r) => setTimeout(r, 10));
        assert.ok(seen.includes('owb:frames.added'));
      } finally {
        services.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
