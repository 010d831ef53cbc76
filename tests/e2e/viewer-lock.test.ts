/**
 * Frames locked by WCS or by pixels (issue 26 §1), in Chromium. Frame 2 holds frame 1's pixels under a WCS
 * shifted by (12.3, −7.6) px and with 1.5″ pixels instead of 1″. Locked by WCS, the sky under a screen
 * point stays the same (to 0.1″) when the viewer goes to the other frame or blinks to it, and the zoom
 * scales by the pixel-scale ratio; locked by pixels, the image pixel under it and the zoom stay the same.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { decodeImageHdu, encodeFits, imageHdu, parseFits } from '../../src-workers/core/fits/index.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const SHIFT = [12.3, -7.6];
const SCALE_RATIO = 1.5;

/** Frame 2's file and catalog header: the shifted, 1.5″ WCS. */
function shiftFrame2(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  const row = db.prepare('SELECT path, header_json FROM frames WHERE id = 2').get() as {
    path: string;
    header_json: string;
  };
  const header = JSON.parse(row.header_json) as Record<string, number | string>;
  Object.assign(header, {
    CRPIX1: Number(header.CRPIX1) + SHIFT[0],
    CRPIX2: Number(header.CRPIX2) + SHIFT[1],
    CD1_1: Number(header.CD1_1) * SCALE_RATIO,
    CD2_2: Number(header.CD2_2) * SCALE_RATIO,
  });
  const image = decodeImageHdu(parseFits(new Uint8Array(readFileSync(row.path))).hdus[0]);
  writeFileSync(row.path, encodeFits([imageHdu(image, { header })]));
  db.prepare('UPDATE frames SET header_json = ? WHERE id = 2').run(JSON.stringify(header));
  db.close();
}

interface Reading {
  x: number;
  y: number;
  ra: number;
  dec: number;
}

/** The readout with the cursor at screen offset (dx, dy) from the canvas centre. */
async function readAt(page: Page, dx: number, dy: number): Promise<Reading> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const [sx, sy] = [box.x + box.width / 2 + dx, box.y + box.height / 2 + dy];
  await page.mouse.move(sx + 1, sy);
  await page.mouse.move(sx, sy);
  const text = await page.getByTestId('pixel-readout').innerText();
  const xy = /x, y\s+(-?[\d.]+), (-?[\d.]+)/.exec(text);
  const ra = /RA[^(]*\(([\d.]+)°\)/.exec(text);
  const dec = /Dec[^(]*\((-?[\d.]+)°\)/.exec(text);
  assert.ok(xy && ra && dec, text);
  return { x: Number(xy[1]), y: Number(xy[2]), ra: Number(ra[1]), dec: Number(dec[1]) };
}

const zoomOf = async (page: Page): Promise<number> =>
  Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));

/** Waits until the zoom readout shows `zoom` (relative 1e-6). */
async function waitZoom(page: Page, zoom: number): Promise<void> {
  await page.waitForFunction(
    (z) =>
      Math.abs(Number(document.querySelector('[data-testid="zoom-readout"]')?.getAttribute('data-zoom')) / z - 1) <
      1e-6,
    zoom,
    { timeout: 15_000 },
  );
}

/** Arcseconds between two sky positions (small separations). */
function sepArcsec(a: Reading, b: Reading): number {
  const cosDec = Math.cos((a.dec * Math.PI) / 180);
  return Math.hypot((a.ra - b.ra) * cosDec, a.dec - b.dec) * 3600;
}

async function chooseLock(page: Page, label: 'none' | 'pixels' | 'WCS'): Promise<void> {
  await page.getByTestId('lock-select').click();
  await page.getByRole('option', { name: label, exact: true }).click();
  await page.locator('.MuiPopover-root').first().waitFor({ state: 'detached' });
}

async function goToFrame(page: Page, frame: number): Promise<void> {
  await page.evaluate((f) => (location.hash = `#/viewer?frame=${f}`), frame);
  await page.getByText(`m51_00${frame}.fits`, { exact: false }).last().waitFor();
}

describe(
  'frames locked by WCS or pixels in Chromium',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-lock', { frames: 2, sizePx: 256, starCount: 20 }, shiftFrame2);
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
    });

    after(async () => {
      await bench?.close();
    });

    it('WCS lock: going to frame 2 keeps the sky under the cursor and scales the zoom by 1.5', async () => {
      await chooseLock(page, 'WCS');
      // 1:1, then pan off the frame centre, so a plain "keep the view" would land elsewhere on the sky.
      await page.keyboard.press('1');
      await waitZoom(page, 1);
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2 - 10);
      await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 - 25);
      await page.mouse.up();
      const before = await readAt(page, 30, 20);
      await goToFrame(page, 2);
      await waitZoom(page, SCALE_RATIO);
      const after = await readAt(page, 30, 20);
      await screenshot(page, 'viewer-lock-wcs-frame-2');
      assert.ok(sepArcsec(before, after) < 0.1, `sky ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      // The same sky is (12.3, −7.6) px away in frame 2's pixels, at 1.5″ per pixel from the centre.
      assert.ok(Math.abs(after.x - before.x) > 1, 'not the same pixel: the frames are offset');
    });

    it('pixels lock: back to frame 1 the pixel under the cursor and the zoom stay', async () => {
      await chooseLock(page, 'pixels');
      const zoom = await zoomOf(page);
      const before = await readAt(page, -50, 35);
      await goToFrame(page, 1);
      // The readout takes frame 1's WCS once its detail is here.
      let after = await readAt(page, -50, 35);
      for (let i = 0; i < 50 && sepArcsec(before, after) < 5; i++) {
        await page.waitForTimeout(100);
        after = await readAt(page, -50, 35);
      }
      assert.equal(await zoomOf(page), zoom);
      assert.ok(
        Math.abs(after.x - before.x) < 0.05 && Math.abs(after.y - before.y) < 0.05,
        `${before.x},${before.y} → ${after.x},${after.y}`,
      );
      assert.ok(sepArcsec(before, after) > 5, 'the sky there differs: frame 1 has the other WCS');
    });

    it('WCS lock: blinking to frame 2 shows the same sky under the cursor', async () => {
      await chooseLock(page, 'WCS');
      const zoom = await zoomOf(page);
      const before = await readAt(page, 10, -40);
      await page.getByLabel('Blink with').click();
      await page.getByRole('option', { name: '2: m51_002.fits' }).click();
      await page.locator('.MuiPopover-root').first().waitFor({ state: 'detached' });
      await page.keyboard.press('b');
      await waitZoom(page, zoom * SCALE_RATIO);
      const during = await readAt(page, 10, -40);
      assert.ok(sepArcsec(before, during) < 0.1, `blinked: ${JSON.stringify(before)} → ${JSON.stringify(during)}`);
      await screenshot(page, 'viewer-lock-wcs-blink');
      await page.keyboard.press('b');
      await waitZoom(page, zoom);
      const back = await readAt(page, 10, -40);
      assert.ok(sepArcsec(before, back) < 0.1, `blinked back: ${JSON.stringify(back)}`);
    });
  },
);
