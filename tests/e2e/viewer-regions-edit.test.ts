/**
 * Ellipse and polygon regions, and dragging a region to move it (issue 26 §2), in Chromium: the shapes land
 * at the image positions the cursor readout gives for the clicks, and a drag moves a region by the dragged
 * screen distance over the zoom without panning the view. (Their DS9 files round-trip through
 * astropy-regions in tests/workers/core/viewer/drawn-regions.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

async function readoutAt(page: Page, sx: number, sy: number): Promise<[number, number]> {
  await page.mouse.move(sx + 1, sy);
  await page.mouse.move(sx, sy);
  const text = await page.getByTestId('pixel-readout').innerText();
  const m = /x, y\s+(-?[\d.]+), (-?[\d.]+)/.exec(text);
  assert.ok(m, text);
  return [Number(m[1]), Number(m[2])];
}

async function regionXY(page: Page, i: number): Promise<[number, number]> {
  const r = page.getByTestId(`region-${i}`);
  return [Number(await r.getAttribute('data-x')), Number(await r.getAttribute('data-y'))];
}

describe(
  'ellipse and polygon regions, moved by dragging',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-regions-edit', { frames: 1, sizePx: 256, starCount: 10 });
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
    });

    after(async () => {
      await bench?.close();
    });

    it('E draws an ellipse, Q a polygon closed by Enter, and a drag moves the ellipse', async () => {
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      const at = (fx: number, fy: number): [number, number] => [box.x + box.width * fx, box.y + box.height * fy];
      const a = at(0.45, 0.4);
      const ea = await readoutAt(page, ...a);
      await page.keyboard.press('e');
      await page.mouse.click(...a);
      await page.locator('[data-testid="drawn-regions"][data-count="1"]').waitFor();
      const e0 = await regionXY(page, 0);
      assert.ok(Math.hypot(e0[0] - ea[0], e0[1] - ea[1]) < 0.06, `ellipse at ${e0}, clicked ${ea}`);
      assert.equal(await page.getByTestId('region-0-a').inputValue(), '12');

      await page.keyboard.press('q');
      const corners = [at(0.6, 0.6), at(0.7, 0.62), at(0.66, 0.75)];
      const expected: number[] = [];
      for (const c of corners) {
        expected.push(...(await readoutAt(page, ...c)));
        await page.mouse.click(...c);
      }
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="drawn-regions"][data-count="2"]').waitFor();
      const points = JSON.parse((await page.getByTestId('region-1-points').getAttribute('data-points'))!) as number[];
      assert.equal(points.length, 6);
      points.forEach((v, k) =>
        assert.ok(Math.abs(v - expected[k]) < 0.06, `vertex value ${k}: ${v} vs ${expected[k]}`),
      );
      await screenshot(page, 'viewer-regions-ellipse-polygon');

      // Drag the ellipse (still drawing, so a press on a region grabs it rather than panning).
      const canvas = page.getByTestId('viewer-canvas');
      const panX = await canvas.getAttribute('data-pan-x');
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      await page.mouse.move(...a);
      await page.mouse.down();
      await page.mouse.move(a[0] + 15, a[1] - 10);
      await page.mouse.move(a[0] + 30, a[1] - 20);
      await page.mouse.up();
      const e1 = await regionXY(page, 0);
      // Screen right is image +x, screen up image +y, at `zoom` screen px per image px.
      assert.ok(Math.abs(e1[0] - e0[0] - 30 / zoom) < 0.06, `moved x ${e1[0] - e0[0]} vs ${30 / zoom}`);
      assert.ok(Math.abs(e1[1] - e0[1] - 20 / zoom) < 0.06, `moved y ${e1[1] - e0[1]} vs ${20 / zoom}`);
      assert.equal(await canvas.getAttribute('data-pan-x'), panX, 'the view did not pan');
      assert.equal(await page.locator('[data-testid="drawn-regions"]').getAttribute('data-count'), '2');
      await screenshot(page, 'viewer-regions-dragged');
    });

    it('dragging the aperture circle sets its radius live, and the photometry follows', async () => {
      await page.keyboard.press('q'); // polygon drawing off: clicks measure again
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      const c: [number, number] = [box.x + box.width * 0.3, box.y + box.height * 0.7];
      await page.mouse.click(...c);
      const panel = page.getByTestId('aperture-panel');
      await panel.waitFor();
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const r0 = Number(await panel.getAttribute('data-radius'));
      const flux0 = await panel.getAttribute('data-net-flux');
      const cx = Number(await panel.getAttribute('data-x'));
      const canvas = page.getByTestId('viewer-canvas');
      const panX = Number(await canvas.getAttribute('data-pan-x'));
      const panY = Number(await canvas.getAttribute('data-pan-y'));
      const cy = Number(await panel.getAttribute('data-y'));
      // The ring's rightmost point on screen, then 4 image px further out.
      const [sx, sy] = [box.x + panX + zoom * (cx + r0 + 0.5), box.y + panY - zoom * (cy + 0.5)];
      await page.mouse.move(sx, sy);
      await page.mouse.down();
      await page.mouse.move(sx + 2 * zoom, sy);
      await page.mouse.move(sx + 4 * zoom, sy);
      await page.mouse.up();
      await page.waitForFunction(
        (r) => Number(document.querySelector('[data-testid="aperture-panel"]')?.getAttribute('data-radius')) > r + 1,
        r0,
      );
      const r1 = Number(await panel.getAttribute('data-radius'));
      // Mouse events carry whole screen pixels: within one screen pixel's worth of image pixels.
      assert.ok(Math.abs(r1 - (r0 + 4)) < 1 / zoom, `radius ${r0} dragged to ${r1}, expected ${r0 + 4}`);
      assert.notEqual(await panel.getAttribute('data-net-flux'), flux0, 'the photometry was recomputed');
      assert.equal(Number(await canvas.getAttribute('data-pan-x')), panX, 'the view did not pan');
      await screenshot(page, 'viewer-aperture-dragged');
    });
  },
);
