// Training from the Models view in Chromium against `owb serve`: a long run shows its progress and time
// left and is cancelled (its checkpoint stays; it is listed as interrupted); a tiny run on the catalog's
// accept/reject labels finishes and appears in the runs table with the held-out AUC its run.json records,
// inside the workspace's ml/runs/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src-main/node/ml/run-store.js';
import { chromiumAvailable, openWorkbench, screenshot, watchPageErrors, type Workbench } from './harness.js';

describe(
  'training from the models view',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('models-train', { frames: 2, sizePx: 256, starCount: 20 });
      page = bench.page;
      // 40 curated transient candidates on the fixture's two frames: half accepted, half rejected.
      const db = new Database(join(bench.dir, 'catalog.db'));
      const frames = db.prepare('SELECT id, path FROM frames ORDER BY id LIMIT 2').all() as {
        id: number;
        path: string;
      }[];
      assert.equal(frames.length, 2);
      const insert = db.prepare(
        "INSERT INTO candidates (kind, frame_id, score, details_json, created_at) VALUES ('transient', ?, 5, ?, 0)",
      );
      const label = db.prepare('INSERT INTO labels (candidate_id, label, who, created_at) VALUES (?, ?, ?, ?)');
      for (let k = 0; k < 40; k++) {
        const details = JSON.stringify({
          x: 40 + (k % 8) * 22,
          y: 40 + Math.floor(k / 8) * 40,
          sciencePath: frames[0].path,
          referencePath: frames[1].path,
          differencePath: frames[0].path,
        });
        const id = Number(insert.run(frames[0].id, details).lastInsertRowid);
        label.run(id, k % 2 ? 'reject' : 'accept', 't', 1000 + k);
      }
      db.close();
    });
    after(async () => {
      await bench?.close();
    });

    const readRun = (name: string): RunRecord =>
      JSON.parse(readFileSync(join(bench.dir, 'ml', 'runs', name, 'run.json'), 'utf8')) as RunRecord;

    it('shows progress and time left, cancels, then trains a tiny model that appears in the runs table', async () => {
      const errors = watchPageErrors(page);
      await page.goto(`${bench.served.url}#/models`);
      const epochs = page.getByRole('textbox', { name: 'epochs' });
      await epochs.fill('500');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      const progress = page.getByTestId('train-progress');
      await page.waitForFunction(() =>
        /epoch \d+\/500 \(batch \d+ of 500\) · \d+( min \d+)? s left/.test(
          document.querySelector('[data-testid="train-progress"]')?.textContent ?? '',
        ),
      );
      const text = await progress.innerText();
      const name = /^(rb-[\d.-]+):/.exec(text)?.[1];
      assert.ok(name, text);
      await screenshot(page, 'models-training');
      await page.getByRole('button', { name: 'Cancel training' }).click();
      const result = page.getByTestId('train-result');
      await result.waitFor();
      assert.match(await result.innerText(), new RegExp(`^${name.replace(/\./g, '\\.')}: cancelled — .*--resume`));
      // Listed as interrupted, with its checkpoint kept for owb train --resume.
      await page.getByTestId(`run-${name}`).waitFor();
      assert.match(await page.getByTestId(`run-${name}`).innerText(), /interrupted/);
      assert.ok(existsSync(join(bench.dir, 'ml', 'runs', name, 'checkpoint.json')));
      assert.equal(readRun(name).status, 'interrupted');

      await epochs.fill('2');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.waitForFunction((first) => {
        const t = document.querySelector('[data-testid="train-result"]')?.textContent ?? '';
        return /: finished — held-out AUC/.test(t) && !t.startsWith(first);
      }, name);
      const done = await result.innerText();
      const tiny = /^(rb-[\d.-]+): finished/.exec(done)?.[1];
      assert.ok(tiny && tiny !== name, done);
      const record = readRun(tiny);
      assert.equal(record.status, 'finished');
      assert.equal(record.epochs.length, 2);
      assert.equal(record.dataset.layout, 'catalog');
      assert.deepEqual(record.dataset.counts, { bogus: 20, real: 20 });
      const row = page.getByTestId(`run-${tiny}`);
      await row.waitFor();
      const rowText = await row.innerText();
      assert.match(rowText, /finished/);
      assert.ok(rowText.includes(record.heldOut!.auc.toFixed(4)), rowText);
      await screenshot(page, 'models-trained');
      assert.deepEqual(errors, []);
    });
  },
);
