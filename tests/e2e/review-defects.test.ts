/**
 * The review views' defects of issue 26, each checked in Chromium against `owb serve` on a fixture
 * workspace that holds, besides three 256² light frames: a flat and a 128² light frame (not to be
 * offered for blinking), an object measured once (a single-point light curve), a flagged source, and a
 * saturated galaxy nucleus in frame 1. The connection test runs last: it stops and restarts the server.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { encodeFits, imageHdu } from '../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import { unitVector } from '../../src-main/node/catalog/sky.js';
import { pixelToSky } from './fixture-workspace.js';
import {
  chromiumAvailable,
  openWorkbench,
  screenshot,
  startServe,
  watchPageErrors,
  type Served,
  type Workbench,
} from './harness.js';

const SIZE = 256;
/** The galaxy: an exponential disk with a bright core, clipped at the (unstated) full-well level. */
const CLIP_ADU = 60_000;
let galaxy = { x: 0, y: 0 };
const SINGLE = { ra: 0, dec: 0, id: 0 };

/** Rewrites frame 1 with a saturated galaxy where no simulated star is within 30 px. */
function addSaturatedGalaxy(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  const row = db.prepare('SELECT path, header_json FROM frames WHERE id = 1').get() as {
    path: string;
    header_json: string;
  };
  const { image, stars } = simulateStarField({
    widthPx: SIZE,
    heightPx: SIZE,
    starCount: 20,
    fwhmPx: 3,
    skyAdu: 1000,
    seed: 7,
    noiseSeed: 100,
    shiftPx: [0, 0],
  });
  let best = { x: 0, y: 0, d: -1 };
  for (let y = 40; y < SIZE - 40; y += 4)
    for (let x = 40; x < SIZE - 40; x += 4) {
      const d = Math.min(...stars.map((s) => Math.hypot(s.x - x, s.y - y)));
      if (d > best.d) best = { x: x + 0.3, y: y + 0.4, d };
    }
  assert.ok(best.d > 30, `a free spot for the galaxy (${best.d.toFixed(1)} px from the nearest star)`);
  galaxy = { x: best.x, y: best.y };
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const r = Math.hypot(x - best.x, y - best.y);
      const v = image.data[y * SIZE + x] + 8000 * Math.exp(-r / 6) + 150_000 * Math.exp(-r / 1.6);
      image.data[y * SIZE + x] = Math.min(CLIP_ADU, v);
    }
  writeFileSync(row.path, encodeFits([imageHdu(image, { header: JSON.parse(row.header_json) })]));

  // A flat of the same size and a light frame of another size: neither is a blink partner of frame 1.
  const insertFrame = db.prepare(
    `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec, date_obs, mjd, width, height, quality_json, source_count, status, created_at, processed_at)
     VALUES (?, ?, ?, 1, '{}', ?, 'R', 5, '2026-03-14T23:00:00', 61113.96, ?, ?, '{}', 0, 'done', 0, 0)`,
  );
  insertFrame.run('flat-1', row.path, 'flat_R_001.fits', 'flat', SIZE, SIZE);
  insertFrame.run('small-1', row.path, 'small_128.fits', 'light', 128, 128);

  // An object seen once, away from the fixture's stars, and a source flagged NEAR_MASKED + SATURATED.
  [SINGLE.ra, SINGLE.dec] = pixelToSky(5, 5, SIZE);
  const v = unitVector(SINGLE.ra, SINGLE.dec);
  const objectId = Number(
    db
      .prepare('INSERT INTO objects (ra, dec, cx, cy, cz, n_obs, created_at) VALUES (?, ?, ?, ?, ?, 1, 0)')
      .run(SINGLE.ra, SINGLE.dec, v[0], v[1], v[2]).lastInsertRowid,
  );
  db.prepare(
    'INSERT INTO objects_rtree (id, min_x, max_x, min_y, max_y, min_z, max_z) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(objectId, v[0], v[0], v[1], v[1], v[2], v[2]);
  db.prepare(
    "INSERT INTO measurements (object_id, frame_id, mjd, filter, flux, flux_err, mag, mag_err) VALUES (?, 1, 61113.9, 'R', 5000, 80, 15.75, 0.017)",
  ).run(objectId);
  SINGLE.id = objectId;
  db.prepare('UPDATE sources SET flags = 5 WHERE id = 1').run();
  db.close();
}

/** Left edges of the description column and whether any key cell overflows, in an open help dialog. */
async function helpColumns(page: Page): Promise<{ lefts: number[]; overflowing: number }> {
  return page.evaluate(() => {
    const cells = [...document.querySelectorAll('.MuiDialogContent-root .MuiTypography-root')] as HTMLElement[];
    const keys = cells.filter((_, i) => i % 2 === 0);
    const actions = cells.filter((_, i) => i % 2 === 1);
    return {
      lefts: actions.map((a) => Math.round(a.getBoundingClientRect().left)),
      overflowing: keys.filter((k) => k.scrollWidth > k.clientWidth + 1).length,
    };
  });
}

/** Screen position of image pixel (x, y) in the fitted view of a SIZE² frame. */
async function screenOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const zoom = Math.min(box.width / SIZE, box.height / SIZE) * 0.98;
  return [
    box.x + (box.width - SIZE * zoom) / 2 + zoom * (x + 0.5),
    box.y + (box.height + SIZE * zoom) / 2 - zoom * (y + 0.5),
  ];
}

async function openViewer(page: Page, url: string, frame: number): Promise<void> {
  await page.goto(`${url}#/viewer?frame=${frame}`);
  await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
}

describe(
  'review-view defects of issue 26 in Chromium',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let served: Served;
    let restarted: Served | undefined;
    let page: Page;
    let errors: string[];

    before(async () => {
      bench = await openWorkbench('defects', { frames: 3, sizePx: SIZE, starCount: 20 }, addSaturatedGalaxy);
      ({ served, page } = bench);
      errors = watchPageErrors(page);
    });

    after(async () => {
      await restarted?.stop();
      await bench?.close();
    });

    it('datasets: leaving the view during a run keeps the form, its scroll position and the run', async () => {
      await page.goto(`${served.url}#/datasets`);
      await page.getByTestId('synth-previews').locator('canvas').nth(7).waitFor();
      await page.getByTestId('synth-General-n_train').fill('3000');
      await page.getByTestId('synth-General-n_test').fill('7');
      await page.getByTestId('synth-run').click();
      await page
        .getByTestId('synth-progress')
        .getByText(/^running: /)
        .waitFor({ timeout: 30_000 });
      const scrolled = await page.getByTestId('synth-form').evaluate((el) => {
        el.scrollTop = 300;
        return el.scrollTop;
      });
      assert.ok(scrolled > 0, 'the form scrolls');
      await page.waitForTimeout(100);
      await page.getByTestId('nav-frames').click();
      await page.getByTestId('frames-table').waitFor();
      await page.getByTestId('nav-datasets').click();
      await page.getByTestId('synth-form').waitFor();
      assert.equal(await page.getByTestId('synth-General-n_train').inputValue(), '3000');
      assert.equal(await page.getByTestId('synth-General-n_test').inputValue(), '7');
      assert.equal(await page.getByTestId('synth-form').evaluate((el) => el.scrollTop), scrolled);
      // The run went on meanwhile; its progress is there and reaches the end.
      await page.getByTestId('synth-progress').waitFor();
      await screenshot(page, 'defects-datasets-kept');
      await page
        .getByTestId('synth-progress')
        .getByText(/^done: 3007 of 3007 images/)
        .waitFor({ timeout: 120_000 });
    });

    it('catalog: a selected source and its light curve are still there after visiting another view', async () => {
      await page.goto(`${served.url}#/catalog`);
      await page.getByTestId('sources-table').getByRole('row').filter({ hasText: '202.' }).nth(2).click();
      await page.getByTestId('light-curve').waitFor();
      const title = await page.getByText(/^Light curve of object \d+/).innerText();
      await page.getByTestId('nav-pipeline').click();
      await page.getByTestId('view-pipeline').waitFor();
      await page.getByTestId('nav-catalog').click();
      await page.getByTestId('light-curve').waitFor();
      assert.equal(await page.getByText(/^Light curve of object \d+/).innerText(), title);
      assert.equal(await page.locator('[data-testid="sources-table"] .owb-vt-selected').count(), 1);
    });

    it('catalog: flag values have a legend and each flagged cell names its bits', async () => {
      await page.goto(`${served.url}#/catalog`);
      const legend = await page.getByTestId('flag-legend').innerText();
      for (const text of ['1 near masked', '2 blended', '4 saturated', '8 truncated', '128 psf failed'])
        assert.ok(legend.includes(text), `legend has "${text}": ${legend}`);
      await page.locator('[data-row-key="1"] [title="NEAR_MASKED + SATURATED"]').waitFor();
      await screenshot(page, 'defects-flag-legend');
    });

    it('catalog: a single-point light curve has a readable axis and says "1 measurement"', async () => {
      await page.goto(`${served.url}#/catalog`);
      await page.getByLabel('RA (°)').fill(SINGLE.ra.toFixed(6));
      await page.getByLabel('Dec (°)').fill(SINGLE.dec.toFixed(6));
      await page.getByRole('button', { name: 'Find' }).click();
      // The panel shows the previous object's curve until the cone search answers: wait for this one's.
      await page.getByText(`Light curve of object ${SINGLE.id}`, { exact: true }).waitFor();
      // The title can change a moment before the new object's points arrive: wait for its own count.
      await page
        .getByTestId('light-curve')
        .getByText(/\b1 measurement;/)
        .waitFor({ timeout: 30_000 });
      const text = await page.getByTestId('light-curve').innerText();
      assert.match(text, /\b1 measurement;/);
      const ticks = await page
        .getByTestId('light-curve')
        .locator('svg text[text-anchor="middle"]')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      await screenshot(page, 'defects-single-point');
      const mjds = ticks.map(Number).filter((v) => v > 60000);
      assert.ok(mjds.length >= 2, `MJD ticks: ${ticks.join(', ')}`);
      // A point of a 60 s exposure: the axis spans minutes to an hour around it, not a day.
      const span = Math.max(...mjds) - Math.min(...mjds);
      assert.ok(span <= 0.05, `MJD axis spans ${span} d`);
      assert.ok(
        mjds.every((t) => Math.abs(t - 61113.9) < 0.05),
        `ticks around the point: ${mjds.join(', ')}`,
      );
    });

    it('catalog objects: the "Measurements" and "Mean mag" headers do not overlap', async () => {
      await page.goto(`${served.url}#/catalog`);
      await page.getByTestId('tab-objects').click();
      await page.getByTestId('objects-table').waitFor();
      await page.getByRole('columnheader', { name: 'Measurements' }).click();
      await page.getByRole('columnheader', { name: /Measurements ▴/ }).waitFor();
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="objects-table"] [role="columnheader"]')].map((h) => {
          const range = document.createRange();
          range.selectNodeContents(h);
          const text = range.getBoundingClientRect();
          const cell = h.getBoundingClientRect();
          return {
            name: h.textContent,
            left: text.left,
            right: text.right,
            cellLeft: cell.left,
            cellRight: cell.right,
          };
        }),
      );
      await screenshot(page, 'defects-objects-headers');
      for (const b of boxes) {
        assert.ok(b.right <= b.cellRight + 0.5 && b.left >= b.cellLeft - 0.5, `header "${b.name}" inside its cell`);
      }
      for (let i = 1; i < boxes.length; i++)
        assert.ok(boxes[i - 1].right < boxes[i].left, `"${boxes[i - 1].name}" and "${boxes[i].name}" apart`);
    });

    it('viewer: outside the image the readout still gives RA/Dec of the frame WCS', async () => {
      await openViewer(page, served.url, 2);
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      const [left] = await screenOf(page, -0.5, 0);
      assert.ok(left - box.x > 30, 'the fitted frame leaves a margin to hover');
      await page.mouse.move(box.x + (left - box.x) / 2, box.y + box.height / 2);
      await page.waitForFunction(() =>
        /outside the image/.test(document.querySelector('[data-testid="pixel-readout"]')?.textContent ?? ''),
      );
      const text = await page.getByTestId('pixel-readout').innerText();
      assert.doesNotMatch(text, /no WCS/);
      // x < 0 on a frame with RA increasing to the left (CD1_1 < 0): RA larger than at the centre.
      const ra = Number(/\(([\d.]+)°\)/.exec(text)?.[1]);
      assert.ok(ra > 202.47 && ra < 202.6, `RA ${ra}° left of the frame`);
      await screenshot(page, 'defects-readout-outside');
    });

    it('viewer: the blink list offers only light frames of the same size', async () => {
      await openViewer(page, served.url, 1);
      await page.getByLabel('Blink with').click();
      const options = await page.getByRole('option').allInnerTexts();
      await screenshot(page, 'defects-blink-list');
      await page.keyboard.press('Escape');
      await page.locator('.MuiPopover-root, .MuiBackdrop-root').first().waitFor({ state: 'detached' });
      assert.deepEqual(options, ['none', '2: m51_002.fits', '3: m51_003.fits']);
    });

    it('viewer: a saturated galaxy nucleus is not reported as a star with a FWHM', async () => {
      await openViewer(page, served.url, 1);
      const [sx, sy] = await screenOf(page, galaxy.x, galaxy.y);
      await page.mouse.move(sx, sy);
      await page.mouse.down();
      await page.mouse.up();
      const panel = page.getByTestId('profile-panel');
      await panel.waitFor();
      const caption = await panel.locator('[data-profile-kind]').innerText();
      await screenshot(page, 'defects-saturated-galaxy');
      assert.equal(await panel.locator('[data-profile-kind]').getAttribute('data-profile-kind'), 'saturated');
      assert.doesNotMatch(caption, /^Star/);
      assert.match(caption, /Saturated object .* peak 60000\.0 ADU/);
      assert.match(caption, /FWHM not measured/);
    });

    it('help dialogs: keys and descriptions line up in two columns', async () => {
      await page.goto(`${served.url}#/frames`);
      await page.getByTestId('frames-table').waitFor();
      await page.keyboard.press('F1');
      await page.getByText('Keyboard shortcuts').waitFor();
      const global = await helpColumns(page);
      await page.waitForTimeout(400); // the dialog's fade-in, before the screenshot
      await screenshot(page, 'defects-help-global');
      await page.keyboard.press('Escape');
      await page.getByText('Keyboard shortcuts').waitFor({ state: 'detached' });
      await page.getByTestId('nav-curation').click();
      await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
      await page.keyboard.press('?');
      await page.getByText('Curation keys').waitFor();
      const curation = await helpColumns(page);
      await page.waitForTimeout(400); // the dialog's fade-in, before the screenshot
      await screenshot(page, 'defects-help-curation');
      await page.keyboard.press('Escape');
      await page.getByText('Curation keys').waitFor({ state: 'detached' });
      for (const [name, c] of [
        ['global', global],
        ['curation', curation],
      ] as const) {
        assert.ok(c.lefts.length >= 5, `${name} help has rows`);
        assert.equal(new Set(c.lefts).size, 1, `${name} help descriptions start at one x: ${c.lefts.join(', ')}`);
        assert.equal(c.overflowing, 0, `${name} help keys fit their column`);
      }
    });

    it('curation: Ctrl+Z undoes the last decision, like U', async () => {
      await page.goto(`${served.url}#/curation`);
      const current = page.getByTestId('curation-current');
      await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
      const id = await current.getAttribute('data-item-id');
      const before = await page.getByText(/^\d+ of \d+ labelled$/).innerText();
      await page.keyboard.press('a');
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="curation-current"]')?.getAttribute('data-item-id') !== prev,
        id,
      );
      await page.keyboard.press('Control+z');
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="curation-current"]')?.getAttribute('data-item-id') === prev,
        id,
      );
      assert.equal(await page.getByTestId('curation-label').innerText(), 'unlabelled');
      assert.equal(await page.getByText(/^\d+ of \d+ labelled$/).innerText(), before);
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const last = db.prepare('SELECT label, undone_at FROM labels ORDER BY id DESC LIMIT 1').get() as {
        label: string;
        undone_at: number | null;
      };
      db.close();
      assert.equal(last.label, 'accept');
      assert.notEqual(last.undone_at, null, 'the decision is undone in the catalog');
    });

    it('a lost connection is shown, keys say "not saved", and a restart asks for the new URL', async () => {
      await page.goto(`${served.url}#/curation`);
      await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
      await page.getByTestId('connection-chip').getByText('connected').waitFor();
      await served.stop();
      const banner = page.getByTestId('connection-banner');
      await banner.getByText(/Connection to owb serve lost/).waitFor({ timeout: 10_000 });
      const id = await page.getByTestId('curation-current').getAttribute('data-item-id');
      await page.keyboard.press('r');
      await page
        .getByTestId('curation-error')
        .getByText(/not saved/)
        .waitFor({ timeout: 5000 });
      assert.equal(await page.getByTestId('curation-current').getAttribute('data-item-id'), id, 'stays on the item');
      assert.equal(await page.getByTestId('curation-label').innerText(), 'unlabelled');
      await screenshot(page, 'defects-connection-lost');
      // The server comes back on the same port with a new token: the page says to open the new URL.
      restarted = await startServe(bench.dir, served.port);
      assert.notEqual(restarted.token, served.token);
      await banner.getByText(/restarted .* Open the new URL/).waitFor({ timeout: 15_000 });
      assert.equal(await page.getByTestId('connection-chip').innerText(), 'server restarted');
      await screenshot(page, 'defects-connection-restarted');
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const rejects = db.prepare("SELECT COUNT(*) AS n FROM labels WHERE label = 'reject'").get() as { n: number };
      db.close();
      assert.equal(rejects.n, 0, 'nothing was saved while offline');
      // Page errors from the dropped socket are expected here; none before it.
      assert.deepEqual(
        errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|401|Failed to load resource/.test(e)),
        [],
      );
    });
  },
);
