/**
 * Multi-HDU and cube navigation in the viewer (issue 26 §1), in Chromium: a file with an image extension
 * and a three-plane cube extension. Every pixel's value names its HDU, plane and position, so the cursor
 * readout over a pixel shows whether the HDU selector (H, or the menu) and the plane steps (`,` `.`)
 * really brought that HDU's plane to the screen, and the header panel shows that HDU's header.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { cubeHdu, encodeFits, FitsHeader, imageHdu } from '../../src-workers/core/fits/index.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const truth = (h: number, p: number, x: number, y: number): number => h * 10_000 + p * 1000 + y * 30 + x;

function plane(h: number, p: number, w: number, ht: number): Float32Array {
  const out = new Float32Array(w * ht);
  for (let y = 0; y < ht; y++) for (let x = 0; x < w; x++) out[y * w + x] = truth(h, p, x, y);
  return out;
}

/** Frame 1's file becomes: HDU 0 empty, HDU 1 'SCI' 28×24, HDU 2 'CUBE' 20×16×3. */
function writeMef(dir: string): void {
  const empty = { kind: 'empty' as const, header: new FitsHeader([{ key: 'OBJECT', value: 'MEF' }]) };
  const sci = imageHdu({ width: 28, height: 24, data: plane(1, 0, 28, 24) }, { header: { EXTNAME: 'SCI' } });
  const cube = cubeHdu(
    20,
    16,
    [0, 1, 2].map((p) => plane(2, p, 20, 16)),
    { header: { EXTNAME: 'CUBE' } },
  );
  writeFileSync(join(dir, 'frames', 'm51_001.fits'), encodeFits([empty, sci, cube]));
}

/** The readout's value with the cursor on image pixel (x, y), once it equals `want` (or the last one read). */
async function valueAt(page: Page, x: number, y: number, want: number): Promise<number> {
  const canvas = page.getByTestId('viewer-canvas');
  let value = Number.NaN;
  for (let attempt = 0; attempt < 50; attempt++) {
    const box = (await canvas.boundingBox())!;
    const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
    const panX = Number(await canvas.getAttribute('data-pan-x'));
    const panY = Number(await canvas.getAttribute('data-pan-y'));
    await page.mouse.move(box.x + panX + zoom * (x + 0.5) + 1, box.y + panY - zoom * (y + 0.5));
    await page.mouse.move(box.x + panX + zoom * (x + 0.5), box.y + panY - zoom * (y + 0.5));
    const text = await page.getByTestId('pixel-readout').innerText();
    value = Number(/value\s+(-?[\d.]+)/.exec(text)?.[1]);
    if (value === want) return value;
    // The new HDU or plane is still on its way: look again after a short pause.
    await page.waitForTimeout(100);
  }
  return value;
}

describe(
  'viewer HDU and cube-plane navigation in Chromium',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-hdu', { frames: 1, sizePx: 64, starCount: 3 }, writeMef);
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
    });

    after(async () => {
      await bench?.close();
    });

    it('opens at the first image HDU and lists both image HDUs', async () => {
      await page.getByTestId('hdu-select').waitFor();
      assert.match(await page.getByTestId('hdu-select').innerText(), /1 SCI · 28×24/);
      assert.equal(await page.getByTestId('plane-readout').count(), 0, 'a 2-D image has no plane slider');
      assert.equal(await valueAt(page, 5, 7, truth(1, 0, 5, 7)), truth(1, 0, 5, 7));
      assert.equal(await valueAt(page, 27, 23, truth(1, 0, 27, 23)), truth(1, 0, 27, 23));
    });

    it('H shows the cube HDU with its header; . and , step through its planes', async () => {
      await page.keyboard.press('h');
      await page.getByTestId('plane-readout').getByText('plane 1 / 3').waitFor();
      assert.match(await page.getByTestId('hdu-select').innerText(), /2 CUBE · 20×16×3/);
      assert.equal(await valueAt(page, 4, 9, truth(2, 0, 4, 9)), truth(2, 0, 4, 9));
      await page.getByText('CUBE', { exact: true }).first().waitFor();
      await page.keyboard.press('.');
      await page.keyboard.press('.');
      await page.getByTestId('plane-readout').getByText('plane 3 / 3').waitFor();
      assert.equal(await valueAt(page, 4, 9, truth(2, 2, 4, 9)), truth(2, 2, 4, 9));
      assert.equal(await valueAt(page, 19, 15, truth(2, 2, 19, 15)), truth(2, 2, 19, 15));
      await screenshot(page, 'viewer-hdu-cube-plane-3');
      await page.keyboard.press(',');
      await page.getByTestId('plane-readout').getByText('plane 2 / 3').waitFor();
      assert.equal(await valueAt(page, 0, 0, truth(2, 1, 0, 0)), truth(2, 1, 0, 0));
    });

    it('the HDU menu goes back to the image extension at its first plane', async () => {
      await page.getByTestId('hdu-select').click();
      await page.getByRole('option', { name: /1 SCI/ }).click();
      await page.getByTestId('plane-readout').waitFor({ state: 'detached' });
      assert.equal(await valueAt(page, 12, 3, truth(1, 0, 12, 3)), truth(1, 0, 12, 3));
      await screenshot(page, 'viewer-hdu-sci');
    });
  },
);
