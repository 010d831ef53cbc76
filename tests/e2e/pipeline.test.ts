import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { encodeFits, imageHdu } from '../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import {
  chromiumAvailable,
  openWorkbench,
  screenshot,
  watchPageErrors,
  type Served,
  type Workbench,
} from './harness.js';

describe(
  'pipeline: a file dropped into a watched folder',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let dir: string;
    let served: Served;
    let browser: Browser;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('pipeline', { frames: 1, sizePx: 128, starCount: 5 }, (d) =>
        mkdirSync(join(d, 'incoming')),
      );
      ({ dir, served, browser, page } = bench);
    });

    after(async () => {
      await bench?.close();
    });

    it('adds the folder in the UI, then the job appears and finishes', async () => {
      const errors = watchPageErrors(page);
      await page.goto(`${served.url}#/pipeline`);
      await page.getByTestId('watch-path').fill(join(dir, 'incoming'));
      await page.getByTestId('watch-add').click();
      await page.getByTestId('watched-folder').waitFor();
      const doneBefore = await page.getByTestId('jobs-done').innerText();
      assert.match(doneBefore, /done 1/);

      // A second window on the Catalog view receives the new detections as a live event stream.
      const catalogPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await catalogPage.goto(`${served.url}#/catalog`);
      await catalogPage.getByTestId('catalog-total').waitFor();

      const { image } = simulateStarField({
        widthPx: 256,
        heightPx: 256,
        starCount: 30,
        fwhmPx: 3,
        skyAdu: 500,
        seed: 99,
      });
      const bytes = encodeFits([
        imageHdu(image, { header: { IMAGETYP: 'light', EXPTIME: 30, FILTER: 'V', 'DATE-OBS': '2026-03-15T01:00:00' } }),
      ]);
      // Write then rename, as a camera driver finishing a file would.
      writeFileSync(join(dir, 'incoming', '.partial'), bytes);
      renameSync(join(dir, 'incoming', '.partial'), join(dir, 'incoming', 'new_light_001.fits'));

      await page.getByText('new_light_001.fits').waitFor({ timeout: 60_000 });
      await screenshot(page, 'pipeline-job-appeared');
      await page.getByTestId('jobs-done').filter({ hasText: 'done 2' }).waitFor({ timeout: 60_000 });
      await screenshot(page, 'pipeline-job-finished');
      await catalogPage.getByTestId('catalog-live').waitFor({ timeout: 30_000 });
      assert.match(await catalogPage.getByTestId('catalog-live').innerText(), /live: \+\d+ detections from 1 frame/);
      await screenshot(catalogPage, 'catalog-live-detections');
      await catalogPage.close();
      assert.deepEqual(errors, []);
    });
  },
);
