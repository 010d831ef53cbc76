import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  openWorkbench,
  screenshot,
  watchPageErrors,
  type Served,
  type Workbench,
} from './harness.js';

const KEYS = ['a', 'r', '1', 'a', 'a', 'r', '2', 'a', '9', 'r'];
const EXPECTED = [
  'accept',
  'reject',
  'class:1',
  'accept',
  'accept',
  'reject',
  'class:2',
  'accept',
  'class:9',
  'reject',
];

interface LabelRow {
  candidate_id: number;
  label: string;
  undone_at: number | null;
  source_id: number;
}

describe(
  'curation from the keyboard',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let dir: string;
    let served: Served;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('curation', { frames: 2, sizePx: 256, starCount: 20 });
      ({ dir, served, page } = bench);
    });

    after(async () => {
      await bench?.close();
    });

    it('labels ten detections with A/R/digits, undoes the last one, and the labels table has the history', async () => {
      const errors = watchPageErrors(page);
      await page.goto(`${served.url}#/curation`);
      const current = page.getByTestId('curation-current');
      await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
      const seen: number[] = [];
      for (const key of KEYS) {
        const id = Number(await current.getAttribute('data-item-id'));
        seen.push(id);
        await page.keyboard.press(key);
        await page.waitForFunction((prev) => {
          const el = document.querySelector('[data-testid="curation-current"]');
          return el?.getAttribute('data-item-id') !== String(prev) && el?.getAttribute('data-ready') === 'yes';
        }, id);
      }
      assert.equal(new Set(seen).size, 10, 'each key press moved to a new detection');
      await screenshot(page, 'curation-after-ten');
      await page.keyboard.press('u');
      await page.waitForFunction(
        (last) =>
          document.querySelector('[data-testid="curation-current"]')?.getAttribute('data-item-id') === String(last),
        seen[9],
      );
      assert.equal(await page.getByTestId('curation-label').innerText(), 'unlabelled');
      await page.getByText('9 of 40 labelled').waitFor();
      await screenshot(page, 'curation-after-undo');
      await page.keyboard.press('?');
      await page.getByText('Curation keys').waitFor();
      await screenshot(page, 'curation-help');
      await page.keyboard.press('Escape');
      await page.getByText('Curation keys').waitFor({ state: 'detached' });
      // V opens the detection's frame in the viewer, centred on it at 4× zoom.
      await page.keyboard.press('v');
      await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
      assert.match(page.url(), /#\/viewer\?frame=\d+&x=[\d.]+&y=[\d.]+/);
      await screenshot(page, 'viewer-from-curation');

      const db = new Database(join(dir, 'catalog.db'), { readonly: true });
      try {
        const rows = db
          .prepare(
            'SELECT l.candidate_id, l.label, l.undone_at, c.source_id FROM labels l JOIN candidates c ON c.id = l.candidate_id ORDER BY l.id',
          )
          .all() as LabelRow[];
        assert.equal(rows.length, 10, 'every decision is a row');
        assert.deepEqual(
          rows.map((r) => r.label),
          EXPECTED,
        );
        assert.deepEqual(
          rows.map((r) => r.source_id),
          seen,
        );
        assert.deepEqual(
          rows.map((r) => r.undone_at !== null),
          [false, false, false, false, false, false, false, false, false, true],
          'only the last decision is undone',
        );
      } finally {
        db.close();
      }
      assert.deepEqual(errors, []);
    });
  },
);
