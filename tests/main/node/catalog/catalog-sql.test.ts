// CatalogSql on SQLite, as the API handlers use it: `?` placeholders numbered for PostgreSQL outside quotes,
// and label writes begun in the same turn of the event loop (two requests in one socket read) each committed
// in their own transaction instead of the second failing inside the first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHandlers, dispatch, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { numberedPlaceholders } from '../../../../src-main/node/catalog/catalog-sql.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

describe('CatalogSql', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-catalog-sql-'));
  let services: WorkbenchServices;
  let handlers: Handlers;
  before(() => {
    createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 6 });
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers placeholders outside quoted strings and identifiers', () => {
    assert.equal(
      numberedPlaceholders(`SELECT "a?" FROM t WHERE x = ? AND y LIKE '%?%' AND z IN (?, ?)`),
      `SELECT "a?" FROM t WHERE x = $1 AND y LIKE '%?%' AND z IN ($2, $3)`,
    );
  });

  it('commits label writes begun together, each in its own transaction', async () => {
    const ids = (services.db.prepare('SELECT id FROM sources ORDER BY id LIMIT 3').all() as Array<{ id: number }>).map(
      (r) => r.id,
    );
    const replies = await Promise.all(
      ids.map((id, i) =>
        dispatch(handlers, 'owb:labels.set', { targetKind: 'detection', targetId: id, label: i ? 'reject' : 'accept' }),
      ),
    );
    assert.deepEqual(
      replies.map((r) => r.ok),
      [true, true, true],
      JSON.stringify(replies),
    );
    const rows = services.db
      .prepare(
        `SELECT c.source_id AS id, l.label FROM labels l JOIN candidates c ON c.id = l.candidate_id ORDER BY c.source_id`,
      )
      .all();
    assert.deepEqual(rows, [
      { id: ids[0], label: 'accept' },
      { id: ids[1], label: 'reject' },
      { id: ids[2], label: 'reject' },
    ]);
    // A failing transaction leaves nothing and the next one runs.
    await assert.rejects(
      services.sql.transaction(async (tx) => {
        await tx.run('UPDATE labels SET label = ?', ['oops']);
        throw new Error('no');
      }),
      /no/,
    );
    assert.equal(
      (services.db.prepare(`SELECT count(*) AS n FROM labels WHERE label = 'oops'`).get() as { n: number }).n,
      0,
    );
    assert.equal((await dispatch(handlers, 'owb:labels.undo', {})).ok, true);
  });
});
