// A SQLite catalog moved to PostgreSQL + Q3C with `owb db copy` (row counts checked; a non-empty target or a
// count that does not match exits 2 and leaves nothing), and the read commands answering the same on both:
// `owb catalog cone` (Q3C radial query vs SQLite's R*Tree), sources, objects, frames, light curves, xmatch
// (q3c_join) and `owb db stats` give byte-identical output on the two backends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresMissing, startPostgres, type PostgresServer } from '../node/catalog/postgres-server.js';
import { Catalog } from '../../../src-main/node/catalog/index.js';
import { writeFrame } from '../node/watch/frames.js';
import { catalogSnapshot } from './batch-snapshot.js';
import { postgresSnapshot } from './postgres-snapshot.js';

const repo = resolve(import.meta.dirname, '../../..');
const { OWB_DB: _unset, ...baseEnv } = process.env;
function owb(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...baseEnv, ...env },
  });
}

const missing = postgresMissing();
const root = mkdtempSync(join(tmpdir(), 'owb-pg-catalog-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe(
  'owb db copy and owb catalog on PostgreSQL',
  { skip: missing && `PostgreSQL not available: ${missing}` },
  () => {
    let server: PostgresServer | undefined;
    let admin: pg.Client;
    const sqlite = join(root, 'catalog.db');
    const urlOf = (db: string) => (server as PostgresServer).url.replace(/\/postgres$/, `/${db}`);
    before(async () => {
      server = await startPostgres();
      admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      for (const db of ['copy1', 'copy2', 'copy3']) await admin.query(`CREATE DATABASE ${db}`);
      const night = join(root, 'night');
      for (let i = 0; i < 12; i++)
        writeFrame(join(night, `f${String(i).padStart(2, '0')}.fits`), {
          seed: i + 1,
          size: 96,
          dateObs: `2026-02-0${1 + (i % 4)}T0${i % 10}:10:00`,
          // The field drifts by 1.5 px per frame, so objects come and go at the edges and differ in n_obs.
          stars: [
            [10.3 + 1.5 * i, 12.7, 4000],
            [30.1, 20.4 + i, 2500],
            [62.5, 40.2, 6000],
            [45.2, 85.8 - 1.5 * i, 3000],
            [80.0, 70.0, 5000],
          ],
        });
      const r = owb(['watch', night, '--once', '--db', sqlite, '--threads', '1']);
      assert.equal(r.status, 0, r.stderr);
    });
    after(async () => {
      await admin?.end();
      server?.stop();
    });

    it('copies every row, counts checked; the copy equals the source row for row', () => {
      const r = owb(['db', 'copy', '--from', sqlite, '--to', urlOf('copy1'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { tables: Record<string, number>; rows: number };
      const db = new Database(sqlite, { readonly: true });
      for (const t of ['frames', 'frame_paths', 'sources', 'objects', 'measurements', 'jobs'])
        assert.equal(report.tables[t], (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, t);
      db.close();
      assert.ok(report.tables.sources > 40, `${report.tables.sources} sources`);
      return postgresSnapshot(urlOf('copy1')).then((copied) => assert.deepEqual(copied, catalogSnapshot(sqlite)));
    });

    it('refuses a target that holds rows: exit 2, one owb: line, nothing added', async () => {
      const r = owb(['db', 'copy', '--from', sqlite, '--to', urlOf('copy1')]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: db copy: postgres:\/\/.*\/copy1: is not empty \(table '\w+' holds \d+ rows\)/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      const frames = owb(['db', 'stats', '--db', urlOf('copy1'), '--json']);
      assert.equal(frames.status, 0, frames.stderr);
      assert.equal((JSON.parse(frames.stdout) as { tables: { frames: number } }).tables.frames, 12);
    });

    it('a table whose rows do not all arrive: exit 2 naming it and both counts, the target left empty', async () => {
      const url = urlOf('copy2');
      assert.equal(owb(['db', 'migrate', '--db', url]).status, 0);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      // A trigger that silently drops one measurement, as a misconfigured server might.
      await c.query(`CREATE FUNCTION drop_one() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN IF NEW.id = 3 THEN RETURN NULL; END IF; RETURN NEW; END $$`);
      await c.query('CREATE TRIGGER drop_one BEFORE INSERT ON measurements FOR EACH ROW EXECUTE FUNCTION drop_one()');
      const n = (
        new Database(sqlite, { readonly: true }).prepare('SELECT count(*) AS n FROM measurements').get() as {
          n: number;
        }
      ).n;
      const r = owb(['db', 'copy', '--from', sqlite, '--to', url]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`table 'measurements': ${n} rows in .*catalog\\.db, ${n - 1} arrived in`));
      const left = await c.query('SELECT (SELECT count(*) FROM frames) AS f, (SELECT count(*) FROM sources) AS s');
      assert.deepEqual(left.rows[0], { f: '0', s: '0' });
      await c.end();
    });

    it('catalog cone, sources, objects, frames, lightcurve, xmatch and db stats: the same output on both backends', () => {
      const pgUrl = urlOf('copy1');
      const db = new Database(sqlite, { readonly: true });
      const objects = db.prepare('SELECT id, ra, dec FROM objects ORDER BY id').all() as Array<{
        id: number;
        ra: number;
        dec: number;
      }>;
      db.close();
      // A reference list: each object's position moved by 0.4″ in Dec, plus one far from everything.
      writeFileSync(
        join(root, 'ref.csv'),
        `id,ra,dec\n${objects.map((o) => `r${o.id},${o.ra},${o.dec + 0.4 / 3600}`).join('\n')}\nfar,10,10\n`,
      );
      const centre = objects[0];
      const queries: string[][] = [
        ['cone', `--ra=${centre.ra}`, `--dec=${centre.dec}`, '--radius-arcsec', '40', '--format', 'json'],
        ['cone', `--ra=${centre.ra}`, `--dec=${centre.dec}`, '--radius-arcsec', '0.5', '--format', 'csv'],
        ['sources', '--format', 'csv'],
        ['sources', '--frame', '3', '--format', 'ecsv'],
        ['sources', '--limit', '7', '--offset', '5', '--format', 'votable'],
        ['objects', '--format', 'json'],
        ['frames', '--sort', 'date_obs', '--desc', '--format', 'json'],
        ['lightcurve', '--object', String(centre.id), '--format', 'csv'],
        ['xmatch', '--ref', join(root, 'ref.csv'), '--radius-arcsec', '1', '--unmatched', '--format', 'csv'],
      ];
      for (const q of queries) {
        const a = owb(['catalog', ...q, '--db', sqlite]);
        const b = owb(['catalog', ...q, '--db', pgUrl]);
        assert.equal(a.status, 0, a.stderr);
        assert.equal(b.status, 0, b.stderr);
        assert.ok(a.stdout.length > 100, `${q.join(' ')}: ${a.stdout}`);
        assert.equal(b.stdout, a.stdout, q.join(' '));
        assert.equal(b.stderr, a.stderr, q.join(' '));
      }
      const cone = JSON.parse(owb(['catalog', ...queries[0], '--db', pgUrl]).stdout) as unknown[];
      assert.ok(cone.length >= 3, `${cone.length} objects in the 40″ cone`);
      const xmatch = owb(['catalog', ...queries[8], '--db', pgUrl]).stderr;
      assert.match(xmatch, new RegExp(`${objects.length} of ${objects.length + 1} reference rows matched`));
      const statsA = JSON.parse(owb(['db', 'stats', '--db', sqlite, '--json']).stdout) as Record<string, unknown>;
      const statsB = JSON.parse(owb(['db', 'stats', '--db', pgUrl, '--json']).stdout) as Record<string, unknown>;
      assert.deepEqual(statsB, statsA);
    });

    it('curation: candidates, labels, undo and history, masters and stacks answer the same on both backends', async () => {
      // A copy of the catalog with a curation queue: scores with a tie and a missing one, a label history.
      const curated = join(root, 'curated.db');
      const source = new Database(sqlite, { readonly: true });
      await source.backup(curated);
      source.close();
      const cat = Catalog.open(curated);
      const ids = [0.9, null, 0.5, 0.9].map((score, i) =>
        cat.addCandidate({
          kind: i % 2 ? 'variable' : 'transient',
          frameId: i + 1,
          ...(score === null ? {} : { score }),
        }),
      );
      cat.addLabel(ids[0], 'bogus', { who: 'ann' });
      cat.addLabel(ids[0], 'real', { who: 'bob', note: 'checked the stamp' });
      cat.undoLabel(ids[0]);
      cat.addLabel(ids[2], 'artefact', { who: 'ann' });
      cat.close();
      const pgUrl = urlOf('copy3');
      const copied = owb(['db', 'copy', '--from', curated, '--to', pgUrl]);
      assert.equal(copied.status, 0, copied.stderr);
      const both = (args: string[]) => {
        const a = owb(['catalog', ...args, '--db', curated]);
        const b = owb(['catalog', ...args, '--db', pgUrl]);
        assert.equal(b.status, a.status, `${args.join(' ')}: ${a.stderr} / ${b.stderr}`);
        assert.equal(b.stderr, a.stderr, args.join(' '));
        return { a, b };
      };
      // Read-only: byte for byte.
      for (const q of [
        ['candidates', '--format', 'json'],
        ['candidates', '--unlabelled', '--format', 'csv'],
        ['candidates', '--limit', '2', '--offset', '1', '--format', 'csv'],
        ['labels', '--format', 'json'],
        ['history', '--candidate', String(ids[0]), '--format', 'json'],
        ['masters', '--format', 'json'],
        ['stacks', '--format', 'csv'],
      ]) {
        const { a, b } = both(q);
        assert.equal(a.status, 0, a.stderr);
        assert.equal(b.stdout, a.stdout, q.join(' '));
      }
      const queue = JSON.parse(both(['candidates', '--format', 'json']).b.stdout) as Array<{
        id: number;
        label: unknown;
      }>;
      assert.deepEqual(
        queue.map((c) => c.id),
        [ids[0], ids[3], ids[2], ids[1]],
        'best score first, ties by id, no score last',
      );
      assert.equal(queue[0].label, 'bogus', 'the undone label gave way to the one before it');
      // Writes: the same rows (label times are the clock's), the same refusals.
      const timeless = (text: string) =>
        (JSON.parse(text) as Array<Record<string, unknown>>).map(
          ({ createdAt: _c, undoneAt: u, labelledAt: _l, ...rest }) => ({ ...rest, undone: u !== null }),
        );
      for (const q of [
        ['label', '--candidate', String(ids[1]), '--label', 'real', '--note', 'new', '--who', 'cy'],
        ['label', '--candidate', String(ids[1]), '--label', 'bogus', '--who', 'cy'],
        ['unlabel', '--candidate', String(ids[1])],
        ['unlabel', '--candidate', String(ids[0])],
        ['history', '--candidate', String(ids[1])],
        ['labels'],
      ]) {
        const { a, b } = both([...q, '--format', 'json']);
        assert.equal(a.status, 0, a.stderr);
        assert.deepEqual(timeless(b.stdout), timeless(a.stdout), q.join(' '));
      }
      const after = both(['candidates', '--format', 'json']);
      assert.equal(after.b.stdout, after.a.stdout);
      for (const q of [
        ['unlabel', '--candidate', String(ids[0])],
        ['label', '--candidate', '999', '--label', 'real'],
        ['label', '--candidate', String(ids[0])],
      ]) {
        const { a } = both(q);
        assert.equal(a.status, 2, `${q.join(' ')}: ${a.stderr}`);
      }
    });

    it('a workspace whose workspace.json names the PostgreSQL catalog needs no --db; OWB_DB and --db still win', () => {
      const ws = join(root, 'workspace');
      mkdirSync(ws);
      writeFileSync(
        join(ws, 'workspace.json'),
        JSON.stringify({ format: 'owb-workspace', version: 1, catalog: urlOf('copy1') }),
      );
      const viaWorkspace = owb(['catalog', 'objects', '--format', 'json'], { OWB_WORKSPACE: ws });
      assert.equal(viaWorkspace.status, 0, viaWorkspace.stderr);
      assert.equal(viaWorkspace.stdout, owb(['catalog', 'objects', '--format', 'json', '--db', sqlite]).stdout);
      const viaEnv = owb(['db', 'stats', '--json'], { OWB_WORKSPACE: ws, OWB_DB: sqlite });
      assert.equal(viaEnv.status, 0, viaEnv.stderr);
      assert.equal((JSON.parse(viaEnv.stdout) as { tables: { frames: number } }).tables.frames, 12);
      const empty = owb(['db', 'stats', '--json', '--db', urlOf('copy2')], { OWB_WORKSPACE: ws });
      assert.equal((JSON.parse(empty.stdout) as { tables: { frames: number } }).tables.frames, 0);
    });
  },
);
