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

const VIEWS = ['frames', 'viewer', 'curation', 'catalog', 'pipeline', 'datasets'] as const;

describe(
  'workbench in Chromium against owb serve',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let dir: string;
    let served: Served;
    let page: Page;
    let errors: string[];

    before(async () => {
      bench = await openWorkbench('views', { frames: 3, sizePx: 512 });
      ({ dir, served, page } = bench);
      errors = watchPageErrors(page);
    });

    after(async () => {
      await bench?.close();
    });

    it('opens every view from the navigation bar and screenshots it', async () => {
      await page.goto(served.url);
      await page.getByTestId('workspace-counts').waitFor();
      assert.match(await page.getByTestId('workspace-counts').innerText(), /3 frames/);
      for (const view of VIEWS) {
        await page.getByTestId(`nav-${view}`).click();
        await page.getByTestId(`view-${view}`).waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `view-${view}`);
      }
      assert.deepEqual(errors, []);
    });

    it('lists the frames and opens one in the viewer with a different stretch', async () => {
      await page.goto(`${served.url}#/frames`);
      await page.getByText('m51_002.fits').waitFor();
      await page.getByText('m51_002.fits').dblclick();
      await page.getByTestId('view-viewer').waitFor();
      await page.getByTestId('viewer-canvas').waitFor();
      await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'viewer-frame-linear');
      await page.getByTestId('stretch-select').click();
      await page.getByRole('option', { name: 'asinh' }).click();
      await page.getByRole('listbox').waitFor({ state: 'detached' });
      await page.locator('.MuiPopover-root, .MuiBackdrop-root').first().waitFor({ state: 'detached' });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="viewer-canvas"]')?.getAttribute('data-stretch') === 'asinh',
      );
      // Hover the frame centre: pixel value and RA/Dec of the TAN WCS in the header.
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() =>
        /13:29:5\d/.test(document.querySelector('[data-testid="pixel-readout"]')?.textContent ?? ''),
      );
      // Click the brightest detection (its screen position from the fitted view of the 512² frame): the
      // radial profile and curve of growth appear, with a FWHM close to the simulated 3.3 px.
      const db = new Database(join(dir, 'catalog.db'), { readonly: true });
      const star = db.prepare('SELECT x, y FROM sources WHERE frame_id = 2 ORDER BY flux DESC LIMIT 1').get() as {
        x: number;
        y: number;
      };
      db.close();
      const zoom = Math.min(box.width / 512, box.height / 512) * 0.98;
      const sx = box.x + (box.width - 512 * zoom) / 2 + zoom * (star.x + 0.5);
      const sy = box.y + (box.height + 512 * zoom) / 2 - zoom * (star.y + 0.5);
      await page.mouse.move(sx, sy);
      await page.mouse.down();
      await page.mouse.up();
      await page.getByTestId('profile-panel').waitFor();
      const fwhm = Number(/FWHM ([\d.]+) px/.exec(await page.getByTestId('profile-panel').innerText())?.[1]);
      assert.ok(fwhm > 2 && fwhm < 5, `FWHM ${fwhm} px of a star simulated at 3.3 px`);
      await screenshot(page, 'viewer-frame-asinh');
      // Blink against frame 3: B swaps the displayed frame without reloading.
      await page.getByLabel('Blink with').click();
      await page.getByRole('option', { name: '3: m51_003.fits' }).click();
      await page.getByRole('listbox').waitFor({ state: 'detached' });
      await page.locator('.MuiPopover-root, .MuiBackdrop-root').first().waitFor({ state: 'detached' });
      await page.keyboard.press('b');
      await page.getByText(/m51_003\.fits 512×512 · 40 detections · BLINK/).waitFor();
      await page.keyboard.press('b');
      await page.getByText(/m51_002\.fits 512×512 · 40 detections ·/).waitFor();
      assert.deepEqual(errors, []);
    });

    it('switches to night mode: red on black', async () => {
      await page.goto(`${served.url}#/frames`);
      await page.getByTestId('night-toggle').click();
      await page.waitForSelector('[data-theme-mode="night"]');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(0, 0, 0)');
      await screenshot(page, 'night-mode-frames');
      // Every view in night mode, including rasters (frame, stamps, thumbnails) drawn red on black.
      for (const view of ['viewer', 'curation', 'catalog', 'pipeline']) {
        await page.getByTestId(`nav-${view}`).click();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `night-mode-${view}`);
      }
      await page.getByTestId('night-toggle').click();
    });

    it('catalog: selecting a source plots its light curve, and a cone search finds its object', async () => {
      await page.goto(`${served.url}#/catalog`);
      await page.getByTestId('sources-table').getByRole('row').filter({ hasText: '202.' }).first().click();
      await page.getByTestId('light-curve').waitFor();
      assert.match(await page.getByTestId('light-curve').innerText(), /3 measurements/);
      await page.getByRole('button', { name: 'Use selected source position' }).click();
      await page.getByRole('button', { name: 'Find' }).click();
      await page
        .getByTestId('cone-results')
        .getByText(/^obj \d+$/)
        .first()
        .waitFor();
      assert.match(await page.getByTestId('cone-results').innerText(), /0\.00″/);
      await screenshot(page, 'catalog-light-curve');
    });

    it('datasets: inline validation, preview grid, and a small run to completion', async () => {
      await page.goto(`${served.url}#/datasets`);
      await page.getByTestId('synth-previews').locator('canvas').nth(7).waitFor();
      const nTrain = page.getByTestId('synth-General-n_train');
      await nTrain.fill('0');
      await page.getByTestId('synth-errors').waitFor();
      assert.match(await page.getByTestId('synth-errors').innerText(), /n_train/);
      assert.equal(await page.getByTestId('synth-run').isDisabled(), true);
      await nTrain.fill('6');
      await page.getByTestId('synth-General-n_test').fill('2');
      await page.getByTestId('synth-errors').waitFor({ state: 'detached' });
      await page.getByTestId('synth-run').click();
      await page
        .getByTestId('synth-progress')
        .getByText(/^done: 8 of 8 images/)
        .waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="synth-progress"] [role="progressbar"][aria-valuenow="100"]').waitFor();
      // The preview grid followed the edit: samples 6 and 7 are now test images.
      await page
        .getByTestId('synth-previews')
        .getByText(/#7 .*· test/)
        .waitFor();
      await page.waitForTimeout(500); // the progress bar's CSS transition, before the screenshot
      await screenshot(page, 'datasets-run-done');
    });

    it('datasets: a long run shows its rate and time left, cancels, and continues into the same folder', async () => {
      await page.goto(`${served.url}#/datasets`);
      await page.getByTestId('synth-previews').locator('canvas').nth(7).waitFor();
      await page.getByTestId('synth-General-n_train').fill('30000');
      await page.getByTestId('synth-General-n_test').fill('10000');
      await page.getByTestId('synth-run').click();
      const progress = page.getByTestId('synth-progress');
      await progress
        .getByText(/^running: \d+ of 40000 images · \d+ images\/s · \d+ s left/)
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'datasets-run-progress');
      await page.getByTestId('synth-cancel').click();
      await progress.getByText(/^cancelled: \d+ of 40000 images/).waitFor({ timeout: 30_000 });
      assert.match(await progress.innerText(), /generate into .* again to continue/);
      await page.waitForTimeout(400); // the buttons' colour transition, before the screenshot
      await screenshot(page, 'datasets-run-cancelled');
      const resume = page.getByTestId('synth-run');
      assert.equal(await resume.innerText(), 'CONTINUE DATASET');
      await resume.click();
      await progress.getByText(/^done: 40000 of 40000 images/).waitFor({ timeout: 120_000 });
    });

    it('refuses a wrong token and a foreign Host', async () => {
      const noToken = await fetch(`http://127.0.0.1:${served.port}/`);
      assert.equal(noToken.status, 401);
      const health = await fetch(`http://127.0.0.1:${served.port}/health`);
      assert.equal(health.status, 200);
    });
  },
);
