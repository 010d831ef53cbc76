// The frames view and the viewer in Chromium against `owb serve` on a PostgreSQL + Q3C catalog: the fixture
// workspace's catalog moved with `owb db copy`, the SQLite file removed, and `workspace.json` naming the
// server. The view lists the frames from PostgreSQL and the viewer opens one with its detections.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { postgresMissing, startPostgres, type PostgresServer } from '../main/node/catalog/postgres-server.js';
import { createFixtureWorkspace } from './fixture-workspace.js';
import {
  ROOT,
  chromiumAvailable,
  launchBrowser,
  screenshot,
  startServe,
  watchPageErrors,
  type Served,
} from './harness.js';

const skip = !chromiumAvailable()
  ? 'no Chromium at /usr/bin/chromium'
  : postgresMissing() && `PostgreSQL not available: ${postgresMissing()}`;

describe('frames view on a PostgreSQL catalog in Chromium', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-e2e-frames-pg-'));
  let server: PostgresServer | undefined;
  let served: Served | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let errors: string[];
  let perFrame = 0;

  before(async () => {
    perFrame = createFixtureWorkspace(dir, { frames: 3, sizePx: 256 }).sourceCount / 3;
    server = await startPostgres();
    const { OWB_DB: _unset, ...env } = process.env;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'db', 'copy', '--from', join(dir, 'catalog.db'), '--to', server.url],
      { cwd: ROOT, encoding: 'utf8', env },
    );
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['catalog.db', 'catalog.db-wal', 'catalog.db-shm']) rmSync(join(dir, f), { force: true });
    writeFileSync(join(dir, 'workspace.json'), JSON.stringify({ catalog: server.url }));
    served = await startServe(dir);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = watchPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the frames from PostgreSQL and opens one in the viewer', async () => {
    await page.goto(`${served!.url}#/frames`);
    await page.getByTestId('workspace-counts').waitFor();
    assert.match(await page.getByTestId('workspace-counts').innerText(), /3 frames/);
    await page.getByText('m51_002.fits').waitFor();
    await page.getByText('m51_002.fits').dblclick();
    await page.getByTestId('view-viewer').waitFor();
    await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
    // The frame's detections, read from the PostgreSQL catalog, drawn over it.
    await page.getByText(new RegExp(`m51_002\\.fits 256×256 · ${perFrame} detections`)).waitFor();
    await screenshot(page, 'frames-postgres-viewer');
    assert.deepEqual(errors, []);
    assert.equal(existsSync(join(dir, 'catalog.db')), false, 'no SQLite catalog made beside the PostgreSQL one');
  });

  it('labels a detection with A in the curation view; the label is a row of the PostgreSQL catalog', async () => {
    await page.goto(`${served!.url}#/curation`);
    const current = page.getByTestId('curation-current');
    await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
    const id = Number(await current.getAttribute('data-item-id'));
    await page.keyboard.press('a');
    await page.getByText(`1 of ${perFrame * 3} labelled`).waitFor();
    await screenshot(page, 'curation-postgres');
    const client = new pg.Client({ connectionString: server!.url });
    await client.connect();
    try {
      // The view moves on before the label is written (in the background), so wait for the row.
      const labelRows = async () =>
        (
          await client.query(
            `SELECT l.label FROM labels l JOIN candidates c ON c.id = l.candidate_id
              WHERE c.kind = 'detection' AND c.source_id = $1 AND l.undone_at IS NULL`,
            [id],
          )
        ).rows;
      let rows = await labelRows();
      for (const until = Date.now() + 20_000; rows.length === 0 && Date.now() < until;) {
        await new Promise((r) => setTimeout(r, 50));
        rows = await labelRows();
      }
      assert.deepEqual(
        rows.map((r) => r.label),
        ['accept'],
      );
    } finally {
      await client.end();
    }
    await page.getByTestId('nav-catalog').click();
    await page.getByTestId('view-catalog').waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'catalog-postgres');
    assert.deepEqual(errors, []);
  });
});
