/**
 * Switching objects in the catalog's light-curve panel (issue 26 §7 of the viewer work): the panel used to
 * show the new object's title over the previous object's points until the new curve arrived. Every DOM
 * state the panel goes through is recorded; under the new object's title there must never be another
 * object's points, and while its curve loads the panel says so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { unitVector } from '../../src-main/node/catalog/sky.js';
import { pixelToSky } from './fixture-workspace.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const SIZE = 256;
const SINGLE = { id: 0, ra: 0, dec: 0 };

/** An object seen once, away from the fixture's stars. */
function addSinglePointObject(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  [SINGLE.ra, SINGLE.dec] = pixelToSky(5, 5, SIZE);
  const v = unitVector(SINGLE.ra, SINGLE.dec);
  SINGLE.id = Number(
    db
      .prepare('INSERT INTO objects (ra, dec, cx, cy, cz, n_obs, created_at) VALUES (?, ?, ?, ?, ?, 1, 0)')
      .run(SINGLE.ra, SINGLE.dec, v[0], v[1], v[2]).lastInsertRowid,
  );
  db.prepare(
    'INSERT INTO objects_rtree (id, min_x, max_x, min_y, max_y, min_z, max_z) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(SINGLE.id, v[0], v[0], v[1], v[1], v[2], v[2]);
  db.prepare(
    "INSERT INTO measurements (object_id, frame_id, mjd, filter, flux, flux_err, mag, mag_err) VALUES (?, 1, 61113.9, 'R', 5000, 80, 15.75, 0.017)",
  ).run(SINGLE.id);
  db.close();
}

interface PanelState {
  title: string;
  caption: string;
  loading: boolean;
}

/** Starts recording the panel's title, point count caption and loading note after every DOM change. */
async function recordPanel(page: Page): Promise<void> {
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  await page.evaluate(`(() => {
    const states = [];
    window.panelStates = states;
    const snap = () => {
      const title =
        [...document.querySelectorAll('h6, .MuiTypography-subtitle1')]
          .map((e) => e.textContent ?? '')
          .find((t) => t.startsWith('Light curve')) ?? '';
      const caption = document.querySelector('[data-testid="light-curve"] .MuiTypography-caption')?.textContent ?? '';
      states.push({ title, caption, loading: document.querySelector('[data-testid="light-curve-loading"]') !== null });
    };
    snap();
    new MutationObserver(snap).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
}

describe(
  'light-curve panel when switching objects',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench(
        'lightcurve-switch',
        { frames: 3, sizePx: SIZE, starCount: 20 },
        addSinglePointObject,
      );
      page = bench.page;
    });

    after(async () => {
      await bench?.close();
    });

    it("never shows the previous object's points under the new object's title", async () => {
      await page.goto(`${bench.served.url}#/catalog`);
      await page.getByTestId('sources-table').getByRole('row').filter({ hasText: '202.' }).nth(2).click();
      const first = await page
        .getByTestId('light-curve')
        .getByText(/measurements?;/)
        .innerText();
      const before = Number(/(\d+) measurement/.exec(first)?.[1]);
      assert.ok(before > 1, `the first object has several points (${first})`);
      await recordPanel(page);
      await page.getByLabel('RA (°)').fill(SINGLE.ra.toFixed(6));
      await page.getByLabel('Dec (°)').fill(SINGLE.dec.toFixed(6));
      await page.getByRole('button', { name: 'Find' }).click();
      await page
        .getByTestId('light-curve')
        .getByText(/\b1 measurement;/)
        .waitFor();
      await screenshot(page, 'catalog-lightcurve-switched');
      const states = await page.evaluate(() => (window as unknown as { panelStates: PanelState[] }).panelStates);
      const underNew = states.filter((s) => s.title === `Light curve of object ${SINGLE.id}`);
      assert.ok(underNew.length > 0, 'the new title was shown');
      const wrong = underNew.filter((s) => s.caption !== '' && !s.caption.startsWith('1 measurement;'));
      assert.deepEqual(wrong, [], "the new object's title over another object's points");
      // Before its point arrived, the panel said it was loading rather than showing nothing.
      assert.ok(
        underNew.some((s) => s.loading && s.caption === ''),
        `a loading state under the new title: ${JSON.stringify(underNew)}`,
      );
      assert.equal(await page.getByTestId('light-curve-loading').count(), 0, 'no loading note once it is there');
    });
  },
);
