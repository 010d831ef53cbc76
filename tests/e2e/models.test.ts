// The Models view and curation by score in Chromium against `owb serve`: two runs trained by owb train's
// code in the served workspace appear in the runs table with the metrics their run.json holds, "make
// active" writes ml/active.json, two runs compare side by side; curation orders candidates by the active
// model's uncertainty, shows the score beside the stamps, and suggests retraining after enough labels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import { RETRAIN_AFTER_LABELS } from '../../src-main/node/api/models.js';
import { runTraining } from '../../src-main/node/ml/train-run.js';
import type { RunRecord } from '../../src-main/node/ml/run-store.js';
import { writeTripletSet } from '../../src-main/node/ml/write-triplets.js';
import { chromiumAvailable, openWorkbench, screenshot, watchPageErrors, type Workbench } from './harness.js';

describe(
  'models view and curation by score',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;
    const runs: RunRecord[] = [];
    /** Candidate ids in insertion order, with the active model's scores (undefined: unscored). */
    const SCORES = [0.9, 0.1, 0.55, 0.3, undefined];
    const ids: number[] = [];

    before(async () => {
      bench = await openWorkbench('models', { frames: 2, sizePx: 256, starCount: 20 });
      page = bench.page;
      const frame = simulateStarField({ widthPx: 200, heightPx: 200, starCount: 60, seed: 4 }).image;
      writeTripletSet(join(bench.dir, 'set'), [frame], 80, 25, 9);
      for (const [name, seed, epochs] of [
        ['rb-a', 1, 3],
        ['rb-b', 2, 2],
      ] as const)
        runs.push(
          await runTraining({
            task: 'realbogus',
            dataDir: join(bench.dir, 'set'),
            outDir: join(bench.dir, 'runs', name),
            workspace: bench.dir,
            settings: { epochs, batchSize: 16, chunkSize: 8, learningRate: 2e-3, seed, augment: true },
            threads: 1,
          }),
        );
    });
    after(async () => {
      await bench?.close();
    });

    it('lists the runs, makes one active and compares two', async () => {
      const errors = watchPageErrors(page);
      await page.goto(`${bench.served.url}#/models`);
      const table = page.getByTestId('runs-table');
      await table.waitFor();
      for (const run of runs) {
        const row = page.getByTestId(`run-${run.name}`);
        await row.waitFor();
        const text = await row.innerText();
        assert.ok(text.includes(run.heldOut!.auc.toFixed(4)), `${run.name}: ${text}`);
        assert.ok(text.includes(run.heldOut!.tprAtFpr1.toFixed(4)), `${run.name}: ${text}`);
      }
      await page.getByTestId('run-rb-a').getByRole('button', { name: 'Make active' }).click();
      await page.getByTestId('run-rb-a').getByTestId('active-chip').waitFor();
      const active = JSON.parse(readFileSync(join(bench.dir, 'ml', 'active.json'), 'utf8')) as { realbogus: string };
      assert.equal(active.realbogus, runs[0].id);
      assert.ok(await page.getByTestId('run-rb-a').getByRole('button', { name: 'Make active' }).isDisabled());

      // With no active run at load, the latest (rb-b) was chosen; tick rb-a to compare the two.
      assert.ok(await page.getByRole('checkbox', { name: 'choose rb-b' }).isChecked());
      await page.getByRole('checkbox', { name: 'choose rb-a' }).check();
      const comparison = page.getByTestId('run-comparison');
      await comparison.waitFor();
      const aucRow = comparison.getByRole('row').filter({ hasText: 'held-out AUC' });
      const cells = await aucRow.getByRole('cell').allInnerTexts();
      const [a, b] = [runs[0].heldOut!.auc, runs[1].heldOut!.auc];
      assert.deepEqual(cells.slice(1, 3), [b.toFixed(4), a.toFixed(4)]);
      assert.equal(cells[3].replace('+', ''), (a - b).toFixed(4));
      const epochRow = await comparison
        .getByRole('row')
        .filter({ hasText: /^epochs/ })
        .getByRole('cell')
        .allInnerTexts();
      assert.deepEqual(epochRow.slice(1, 4), ['2', '3', '+1']);
      // One polyline per run on the ROC and AUC plots, two (train, validation) per run on the loss plot.
      assert.equal(await page.getByTestId('curve-roc').locator('polyline').count(), 2);
      assert.equal(await page.getByTestId('curve-auc').locator('polyline').count(), 2);
      assert.equal(await page.getByTestId('curve-loss').locator('polyline').count(), 4);
      await screenshot(page, 'models-compare');
      // The fixture's catalog has no transient candidates yet: scoring says so.
      await page.getByRole('button', { name: 'Score candidates' }).click();
      assert.match(
        await page.getByTestId('score-note').innerText(),
        new RegExp(`^0 candidates scored by ${runs[0].modelVersion}$`),
      );
      assert.deepEqual(errors, []);
    });

    it('orders candidates by uncertainty, shows the score beside the stamps, and suggests retraining', async () => {
      const db = new Database(join(bench.dir, 'catalog.db'));
      const frame = db.prepare('SELECT id, path FROM frames ORDER BY id LIMIT 1').get() as { id: number; path: string };
      const insert = db.prepare(
        "INSERT INTO candidates (kind, frame_id, score, details_json, created_at) VALUES ('transient', ?, 5, ?, 0)",
      );
      const score = db.prepare(
        'INSERT INTO model_scores (candidate_id, task, run_id, model_version, score, created_at) VALUES (?, ?, ?, ?, ?, 0)',
      );
      SCORES.forEach((s, k) => {
        const details = JSON.stringify({ x: 40 + 40 * k, y: 128, sciencePath: frame.path });
        const id = Number(insert.run(frame.id, details).lastInsertRowid);
        ids.push(id);
        if (s !== undefined) score.run(id, 'realbogus', runs[0].id, runs[0].modelVersion, s);
      });
      // One label short of the hint, all after the active model was trained.
      const label = db.prepare(
        "INSERT INTO labels (candidate_id, label, who, created_at) VALUES (?, 'reject', 't', ?)",
      );
      for (let k = 0; k < RETRAIN_AFTER_LABELS - 1; k++) label.run(ids[4], runs[0].endedMs! + 1000 + k);
      db.close();

      const errors = watchPageErrors(page);
      await page.goto(`${bench.served.url}#/curation`);
      await page.getByRole('combobox', { name: 'Queue' }).click();
      await page.getByRole('option', { name: 'candidates' }).click();
      await page.getByTestId('curation-order').click();
      await page.getByRole('option', { name: 'most uncertain first' }).click();
      // Keys go to the queue, not to the select that keeps the focus after its menu closed.
      await page.getByRole('listbox').waitFor({ state: 'detached' });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const current = page.locator('[data-testid="curation-current"][data-ready="yes"]');
      await page.waitForFunction(
        (id) => document.querySelector('[data-testid="curation-current"]')?.getAttribute('data-item-id') === String(id),
        ids[2],
      );
      await current.waitFor();
      assert.equal(await page.getByTestId('curation-score').innerText(), 'P(real) 0.550');
      assert.equal(await page.getByTestId('retrain-hint').count(), 0);
      await screenshot(page, 'curation-by-uncertainty');
      // The next in order: 0.3 (|0.3 − 0.5| = 0.2), after accepting 0.55 — the 50th new label.
      await page.keyboard.press('a');
      await page.waitForFunction(
        (id) => document.querySelector('[data-testid="curation-current"]')?.getAttribute('data-item-id') === String(id),
        ids[3],
      );
      assert.equal(await page.getByTestId('curation-score').innerText(), 'P(real) 0.300');
      const hint = page.getByTestId('retrain-hint');
      await hint.waitFor();
      assert.match(
        await hint.innerText(),
        new RegExp(`${RETRAIN_AFTER_LABELS} new labels since model rb-a was trained`),
      );
      await screenshot(page, 'curation-retrain-hint');
      // O: the next order (score, highest first) keeps the item on screen, now third (0.9, 0.55, 0.3, …).
      await page.keyboard.press('o');
      await page.waitForFunction(() =>
        /\(3 of 5\)/.test(document.querySelector('[data-testid="curation-current"]')?.textContent ?? ''),
      );
      assert.equal(await page.getByTestId('curation-order').innerText(), 'score, highest first');
      assert.equal(await page.getByTestId('curation-score').innerText(), 'P(real) 0.300');
      assert.deepEqual(errors, []);
    });
  },
);
