// Light curves in BJD_TDB (issue 18): when every frame of a field carries BJD_TDB, owb lightcurve writes it
// in the bjdTdb column (and each frame's stored HJD (UTC) in hjdUtc) and says timeSystem BJD_TDB, owb variability stores time_system BJD_TDB, and owb period
// reads an owb lightcurve CSV in BJD_TDB (and finds the variable's 0.31 d period there). The frames' UTC
// times sit 475 s before their BJD_TDB, as light time does for a target near the ecliptic. A field with one
// frame lacking BJD_TDB falls back to MJD (UTC) for the whole curve and says how many frames lack it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Catalog, FrameResultWriter, FrameStore } from '../../../src-main/node/catalog/index.js';
import { makeField, type Field } from '../../fixtures/synthetic-field.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-lc-bjd-'));
after(() => rmSync(root, { recursive: true, force: true }));

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

/** A catalog of the synthetic field whose frames carry BJD_TDB = field time (all but `withoutBjd`). */
function buildCatalog(path: string, field: Field, withoutBjd: number[] = []): number[] {
  const nS = field.input.stars.length;
  const catalog = Catalog.open(path);
  const store = new FrameStore(catalog.db);
  const writer = new FrameResultWriter(catalog.db);
  const bjd: number[] = [];
  const ra = Float64Array.from({ length: nS }, (_, s) => 150 + (s * 30) / 3600);
  const dec = new Float64Array(nS).fill(20);
  for (let f = 0; f < field.times.length; f++) {
    bjd.push(field.times[f] + 2400000.5);
    const { frameId } = store.ingest({
      contentHash: `bjd${f}`,
      path: `/campaign/f${f}.fits`,
      fileName: `f${f}.fits`,
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {
        frameType: 'light',
        filter: 'V',
        mjd: field.times[f] - 475 / 86400,
        bjdTdb: withoutBjd.includes(f) ? undefined : bjd[f],
        // A stored HJD (UTC) 3 min before BJD_TDB: the rows carry each frame's own value (migration 011).
        hjdUtc: withoutBjd.includes(f) ? undefined : bjd[f] - 180 / 86400,
        exposureSec: field.input.frames[f].exposureSec,
        header: { AIRMASS: field.airmass[f] },
      },
    });
    catalog.db.transaction(() =>
      writer.write(frameId, {
        width: 2000,
        height: 1000,
        quality: { fwhmPx: field.input.frames[f].fwhmPx ?? 3 },
        ran: [],
        skipped: [],
        sources: {
          count: nS,
          x: Float64Array.from(field.input.stars, (s) => s.xPx),
          y: Float64Array.from(field.input.stars, (s) => s.yPx),
          ra,
          dec,
          flux: Float64Array.from({ length: nS }, (_, s) => field.input.fluxE[f * nS + s]),
          fluxErr: Float64Array.from({ length: nS }, (_, s) => field.input.fluxErrE[f * nS + s]),
          flags: Int32Array.from({ length: nS }, (_, s) => ((field.input.flags?.[f * nS + s] ?? 0) ? 4 : 0)),
        },
      }),
    )();
  }
  catalog.close();
  return bjd;
}

function parseCsv(text: string): Array<Record<string, string>> {
  const [head, ...lines] = text
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('light curves in BJD_TDB', () => {
  const db = join(root, 'bjd.sqlite');
  const mixed = join(root, 'mixed.sqlite');
  let field: Field;
  let bjd: number[];
  before(() => {
    field = makeField(11);
    bjd = buildCatalog(db, field);
    buildCatalog(mixed, field, [17]);
  });

  it('owb lightcurve: bjdTdb and hjdUtc columns, timeSystem BJD_TDB, and stderr says so', () => {
    const out = join(root, 'lc.csv');
    const r = owb(['lightcurve', '--db', db, '--object', '1', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /times BJD_TDB/);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    assert.equal(rows.length, bjd.length);
    rows.forEach((row, i) => {
      assert.ok(Math.abs(Number(row.bjdTdb) - bjd[i]) < 1e-9, `row ${i}: ${row.bjdTdb} vs ${bjd[i]}`);
      assert.ok(Math.abs(Number(row.hjdUtc) - (bjd[i] - 180 / 86400)) < 1e-9, `row ${i}: hjdUtc ${row.hjdUtc}`);
      assert.ok(Math.abs(Number(row.mjd) + 2400000.5 + 475 / 86400 - bjd[i]) < 1e-9, `row ${i}: mjd ${row.mjd}`);
    });
    assert.ok(rows.every((row) => row.timeSystem === 'BJD_TDB'));
  });

  it('owb period on the lightcurve CSV searches in BJD_TDB and finds P = 0.31 d', () => {
    const csv = join(root, 'lc-period.csv');
    assert.equal(owb(['lightcurve', '--db', db, '--object', '1', '--out', csv]).status, 0);
    const out = join(root, 'period.json');
    const r = owb(['period', csv, '--method', 'ls', '--min-period', '0.1', '--max-period', '1', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const [res] = JSON.parse(readFileSync(out, 'utf8')) as Array<{ timeColumn: string; bestPeriod: number }>;
    assert.equal(res.timeColumn, 'bjdTdb');
    assert.ok(Math.abs(res.bestPeriod - 0.31) < 0.003, `best period ${res.bestPeriod}`);
  });

  it('owb variability stores time_system BJD_TDB', () => {
    const r = owb(['variability', '--db', db, '--out', join(root, 'var.csv')]);
    assert.equal(r.status, 0, r.stderr);
    const conn = new Database(db, { readonly: true });
    const systems = conn.prepare('SELECT DISTINCT time_system AS s FROM object_variability').all() as Array<{
      s: string;
    }>;
    conn.close();
    assert.deepEqual(
      systems.map((x) => x.s),
      ['BJD_TDB'],
    );
  });

  it('one frame without BJD_TDB: the curve stays in MJD (UTC) and stderr counts the frames lacking it', () => {
    const out = join(root, 'mixed.csv');
    const r = owb(['lightcurve', '--db', mixed, '--object', '1', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /times MJD_UTC \(1 of 300 frames without BJD_TDB\)/);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    assert.ok(rows.every((row) => row.timeSystem === 'MJD_UTC'));
    assert.equal(rows.filter((row) => row.bjdTdb === '').length, 1);
  });
});
