// Issue 25 in the browser against `owb serve`: a symbolic-link loop saved in watched-folders.json no
// longer kills the server; /health and the Pipeline view show the folder failed with the reason, and a
// folder outside the workspace is watched only after the user confirms it (then shown read-only).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  openWorkbench,
  screenshot,
  watchPageErrors,
  type Served,
  type Workbench,
} from './harness.js';

describe(
  'watched folders that fail, in the UI and /health',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let served: Served;
    let page: Page;
    const outside = mkdtempSync(join(tmpdir(), 'owb-e2e-outside-'));

    before(async () => {
      bench = await openWorkbench('watch-failures', { frames: 1, sizePx: 64, starCount: 3 }, (dir) => {
        mkdirSync(join(dir, 'looped'));
        symlinkSync('.', join(dir, 'looped', 'loop'));
        writeFileSync(
          join(dir, 'watched-folders.json'),
          JSON.stringify([{ id: 1, path: join(dir, 'looped'), profile: 'default', paused: false }]),
        );
      });
      ({ served, page } = bench);
    });

    after(async () => {
      await bench?.close();
      rmSync(outside, { recursive: true, force: true });
    });

    it('keeps serving with the looped folder failed, and says why', async () => {
      const errors = watchPageErrors(page);
      type Health = { status: string; watchers: Array<{ state: string; reason: string | null }> };
      let health: Health | undefined;
      for (let i = 0; i < 100 && health?.watchers[0]?.state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = (await (await fetch(`http://127.0.0.1:${served.port}/health`)).json()) as Health;
      }
      assert.equal(health?.watchers[0]?.state, 'failed', JSON.stringify(health));
      assert.match(health?.watchers[0]?.reason ?? '', /too many symbolic links/);
      assert.equal(served.child.exitCode, null, 'owb serve died');
      await page.goto(`${served.url}#/pipeline`);
      await page.getByTestId('watched-folder-state').filter({ hasText: 'failed' }).waitFor();
      assert.match(await page.getByTestId('watched-folder-reason').innerText(), /too many symbolic links/);
      await screenshot(page, 'pipeline-watched-folder-failed');
      assert.deepEqual(errors, []);
    });

    it('asks before watching a folder outside the workspace, then shows it read-only', async () => {
      await page.getByTestId('watch-path').fill(outside);
      await page.getByTestId('watch-add').click();
      await page.getByTestId('watch-outside-confirm').waitFor();
      assert.match(await page.getByTestId('watch-outside-confirm').innerText(), /outside the workspace/);
      assert.equal(await page.getByTestId('watched-folder').count(), 1);
      await page.getByRole('button', { name: 'Watch read-only' }).click();
      await page.getByText('outside workspace · read-only').waitFor();
      assert.equal(await page.getByTestId('watched-folder').count(), 2);
      await screenshot(page, 'pipeline-watched-folder-outside');
    });
  },
);
