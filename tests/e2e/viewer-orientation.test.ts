/**
 * Rotate and flip in the viewer (issue 26 §1), in Chromium. With manual limits that leave only the frame's
 * brightest pixel lit, the lit square is found on the rendered canvas; for each turn and flip it must sit
 * where the definition puts it (flip the image's axes, then turn counter-clockwise about the view centre),
 * the cursor readout there must name that very pixel, a region drawn and an aperture placed there must be
 * at that pixel, the compass must turn with the image, and the RA/Dec grid must pass where the readout
 * reads its line's coordinate.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeImageHdu, parseFits } from '../../src-workers/core/fits/index.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const SIZE = 384;

interface Turn {
  rotationDeg: 0 | 90 | 180 | 270;
  flipX: boolean;
  flipY: boolean;
}

/** Where image pixel (x, y) lands on a fitted view, from the definition: flips, then a CCW turn, y up on screen. */
function expectedScreen(o: Turn, x: number, y: number, zoom: number, cw: number, ch: number): [number, number] {
  let dx = x + 0.5 - SIZE / 2;
  let dy = y + 0.5 - SIZE / 2;
  if (o.flipX) dx = -dx;
  if (o.flipY) dy = -dy;
  const t = (o.rotationDeg * Math.PI) / 180;
  const rx = dx * Math.cos(t) - dy * Math.sin(t);
  const ry = dx * Math.sin(t) + dy * Math.cos(t);
  return [cw / 2 + zoom * rx, ch / 2 - zoom * ry];
}

/** Centre of the canvas pixels brighter than `threshold` in every channel on average. */
async function litCentre(page: Page, threshold = 40): Promise<{ x: number; y: number; n: number }> {
  return page.getByTestId('viewer-canvas').evaluate((el, thr) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let j = 0; j < c.height; j++)
      for (let i = 0; i < c.width; i++) {
        const k = 4 * (j * c.width + i);
        if (d[k] + d[k + 1] + d[k + 2] > 3 * thr) {
          sx += i + 0.5;
          sy += j + 0.5;
          n++;
        }
      }
    return { x: sx / n, y: sy / n, n };
  }, threshold);
}

async function readout(page: Page): Promise<{ x: number; y: number; text: string }> {
  const text = await page.getByTestId('pixel-readout').innerText();
  const m = /x, y\s+(-?[\d.]+), (-?[\d.]+)/.exec(text);
  assert.ok(m, text);
  return { x: Number(m[1]), y: Number(m[2]), text };
}

/** Presses keys until the canvas shows orientation `o` (T turns 90° CCW, X and Y flip), then fits. */
async function orient(page: Page, o: Turn): Promise<void> {
  const canvas = page.getByTestId('viewer-canvas');
  const now = Number(await canvas.getAttribute('data-rotation-deg'));
  for (let i = 0; i < ((o.rotationDeg - now + 360) % 360) / 90; i++) await page.keyboard.press('t');
  if ((await canvas.getAttribute('data-flip-x')) !== String(o.flipX)) await page.keyboard.press('x');
  if ((await canvas.getAttribute('data-flip-y')) !== String(o.flipY)) await page.keyboard.press('y');
  await page.keyboard.press('f');
  await page.waitForFunction(
    (want) => {
      const c = document.querySelector('[data-testid="viewer-canvas"]');
      return (
        c?.getAttribute('data-rotation-deg') === String(want.rotationDeg) &&
        c.getAttribute('data-flip-x') === String(want.flipX) &&
        c.getAttribute('data-flip-y') === String(want.flipY)
      );
    },
    o,
    { timeout: 10_000 },
  );
  // Two animation frames: the redraw after the transform change has happened.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
}

const TURNS: Turn[] = [
  { rotationDeg: 0, flipX: false, flipY: false },
  { rotationDeg: 90, flipX: false, flipY: false },
  { rotationDeg: 180, flipX: false, flipY: false },
  { rotationDeg: 270, flipX: false, flipY: false },
  { rotationDeg: 0, flipX: true, flipY: false },
  { rotationDeg: 0, flipX: false, flipY: true },
  { rotationDeg: 90, flipX: true, flipY: false },
  { rotationDeg: 270, flipX: false, flipY: true },
];

const name = (o: Turn): string => `rot${o.rotationDeg}${o.flipX ? '-flipx' : ''}${o.flipY ? '-flipy' : ''}`;

describe(
  'viewer rotate and flip in Chromium',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;
    // The frame's brightest pixel and the value just below it, from the FITS file itself.
    let peak = { x: 0, y: 0, value: 0, second: 0 };

    before(async () => {
      bench = await openWorkbench('viewer-orient', { frames: 1, sizePx: SIZE, starCount: 30 });
      page = bench.page;
      const fits = parseFits(new Uint8Array(readFileSync(join(bench.dir, 'frames', 'm51_001.fits'))));
      const image = decodeImageHdu(fits.hdus[0]);
      let best = 0;
      for (let i = 1; i < image.data.length; i++) if (image.data[i] > image.data[best]) best = i;
      let second = -Infinity;
      for (let i = 0; i < image.data.length; i++) if (i !== best && image.data[i] > second) second = image.data[i];
      peak = { x: best % image.width, y: Math.floor(best / image.width), value: image.data[best], second };
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      await page.getByRole('switch', { name: 'Detections' }).uncheck();
      await page.getByTestId('limits-select').click();
      await page.getByRole('option', { name: 'manual' }).click();
      // Only the brightest pixel lies above the low level: everything else is drawn black.
      await page.getByLabel('High').fill(String(peak.value));
      await page.getByLabel('Low').fill(String((peak.second + peak.value) / 2));
      // Keys go to the page again (a text field keeps letters for itself).
      await page.getByLabel('Low').blur();
    });

    after(async () => {
      await bench?.close();
    });

    for (const o of TURNS)
      it(`${name(o)}: the brightest pixel is drawn where the turn puts it and the readout names it`, async () => {
        await orient(page, o);
        const canvas = page.getByTestId('viewer-canvas');
        const box = (await canvas.boundingBox())!;
        const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
        const lit = await litCentre(page);
        assert.ok(lit.n > 0, 'the brightest pixel is drawn');
        const [ex, ey] = expectedScreen(o, peak.x, peak.y, zoom, box.width, box.height);
        assert.ok(
          Math.abs(lit.x - ex) < 1.5 && Math.abs(lit.y - ey) < 1.5,
          `pixel ${peak.x},${peak.y} drawn at ${lit.x},${lit.y}, expected ${ex},${ey} (zoom ${zoom})`,
        );
        await page.mouse.move(box.x + lit.x, box.y + lit.y);
        const r = await readout(page);
        assert.ok(
          // Within the pixel, give or take half a screen pixel (the mouse lands on whole screen pixels and only
          // one screen pixel of the lit image pixel may be lit) and the readout's 0.1 px rounding.
          Math.abs(r.x - peak.x) <= 0.55 + 0.5 / zoom && Math.abs(r.y - peak.y) <= 0.55 + 0.5 / zoom,
          `cursor on the lit pixel reads ${r.x},${r.y}; the pixel is ${peak.x},${peak.y}`,
        );
        // Moving the cursor right on screen walks the image along the axis the turn put there.
        await page.mouse.move(box.x + lit.x + 4 * zoom, box.y + lit.y);
        const right = await readout(page);
        const [ux, uy] = [Math.round((right.x - r.x) / 4), Math.round((right.y - r.y) / 4)];
        const [sx1, sy1] = expectedScreen(o, peak.x + 4 * ux, peak.y + 4 * uy, zoom, box.width, box.height);
        assert.ok(
          Math.abs(sx1 - (ex + 4 * zoom)) < 1e-6 && Math.abs(sy1 - ey) < 1e-6,
          `screen right reads image (${ux}, ${uy}) for ${name(o)}`,
        );
        await screenshot(page, `viewer-orientation-${name(o)}`);
      });

    it('rot90 + flip X: the compass turns with the image (north up → north left, east left → east up)', async () => {
      await orient(page, { rotationDeg: 0, flipX: false, flipY: false });
      const compass = page.getByTestId('compass');
      const angles = async (): Promise<[number, number]> => [
        Number(await compass.getAttribute('data-north-deg')),
        Number(await compass.getAttribute('data-east-deg')),
      ];
      const diff = (a: number, b: number): number => Math.abs(((a - b + 540) % 360) - 180);
      const [n0, e0] = await angles();
      // The fixture's TAN frame has north along +y and east along −x.
      assert.ok(diff(n0, 90) < 0.1 && diff(e0, 180) < 0.1, `unturned: N ${n0}, E ${e0}`);
      await orient(page, { rotationDeg: 90, flipX: false, flipY: false });
      const [n1, e1] = await angles();
      assert.ok(diff(n1, 180) < 0.1 && diff(e1, 270) < 0.1, `turned 90°: N ${n1}, E ${e1}`);
      await orient(page, { rotationDeg: 90, flipX: true, flipY: false });
      const [n2, e2] = await angles();
      // Flip X first (east → right, 0°), then turn: east up (90°), north left (180°).
      assert.ok(diff(n2, 180) < 0.1 && diff(e2, 90) < 0.1, `flip X + 90°: N ${n2}, E ${e2}`);
      assert.match(await page.getByTestId('zoom-readout').innerText(), /rot 90° · flip X/);
    });

    it('rot270 + flip Y: a circle drawn on the lit pixel and a clicked aperture are at that pixel', async () => {
      const o: Turn = { rotationDeg: 270, flipX: false, flipY: true };
      await orient(page, o);
      const canvas = page.getByTestId('viewer-canvas');
      const box = (await canvas.boundingBox())!;
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const lit = await litCentre(page);
      await page.keyboard.press('r');
      await page.mouse.click(box.x + lit.x, box.y + lit.y);
      await page.keyboard.press('r');
      await page.keyboard.press('r');
      await page.keyboard.press('r');
      const region = page.getByTestId('region-0');
      await region.waitFor();
      const rx = Number(await region.getAttribute('data-x'));
      const ry = Number(await region.getAttribute('data-y'));
      assert.ok(Math.abs(rx - peak.x) < 0.5 && Math.abs(ry - peak.y) < 0.5, `circle at ${rx},${ry}`);
      // The circle (r 10 px, cyan) is drawn around the pixel: its ring is where 10 image px land on screen.
      const ring = await canvas.evaluate(
        (el, a) => {
          const ctx = (el as HTMLCanvasElement).getContext('2d')!;
          let hits = 0;
          for (const [dx, dy] of [
            [1, 0],
            [-1, 0],
            [0, 1],
            [0, -1],
          ]) {
            const p = ctx.getImageData(Math.round(a.x + dx * a.r) - 2, Math.round(a.y + dy * a.r) - 2, 5, 5).data;
            let found = false;
            for (let k = 0; k < p.length; k += 4) if (p[k + 2] > 150 && p[k + 1] > 120 && p[k] < 100) found = true;
            if (found) hits++;
          }
          return hits;
        },
        { x: lit.x, y: lit.y, r: 10 * zoom },
      );
      assert.equal(ring, 4, 'the cyan ring passes 10 px from the pixel in all four screen directions');
      // Regions off: a click on the star measures it; the aperture's centre is the star's, next to the peak.
      await page.mouse.click(box.x + lit.x, box.y + lit.y);
      const ap = page.getByTestId('aperture-panel');
      await ap.waitFor();
      const ax = Number(await ap.getAttribute('data-x'));
      const ay = Number(await ap.getAttribute('data-y'));
      assert.ok(Math.hypot(ax - peak.x, ay - peak.y) < 1, `aperture at ${ax},${ay}, peak pixel ${peak.x},${peak.y}`);
      await screenshot(page, 'viewer-orientation-region-aperture');
      await page.getByRole('button', { name: 'Delete region 1' }).click();
    });

    it('rot90 + flip X: the RA/Dec grid passes where the readout reads its line', async () => {
      const o: Turn = { rotationDeg: 90, flipX: true, flipY: false };
      await orient(page, o);
      await page.getByRole('switch', { name: 'RA/Dec grid (G)' }).check();
      const grid = page.getByTestId('wcs-grid');
      await grid.waitFor({ state: 'attached' });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
      const vertices = JSON.parse((await grid.getAttribute('data-vertices'))!) as Array<{
        axis: 'ra' | 'dec';
        valueDeg: number;
        x: number;
        y: number;
      }>;
      const canvas = page.getByTestId('viewer-canvas');
      const box = (await canvas.boundingBox())!;
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      await screenshot(page, 'viewer-orientation-grid');
      for (const v of vertices.slice(0, 4)) {
        const [sx, sy] = expectedScreen(o, v.x, v.y, zoom, box.width, box.height);
        // Over the black (manual-levels) frame, any lit pixel next to the point is the grid line.
        const lit = await canvas.evaluate(
          (el, p) => {
            const d = (el as HTMLCanvasElement)
              .getContext('2d')!
              .getImageData(Math.round(p.x) - 1, Math.round(p.y) - 1, 3, 3).data;
            let m = 0;
            for (let k = 0; k < d.length; k += 4) m = Math.max(m, d[k], d[k + 1], d[k + 2]);
            return m;
          },
          { x: sx, y: sy },
        );
        assert.ok(lit > 60, `${v.axis} ${v.valueDeg}: no line drawn at ${sx},${sy}`);
        await page.mouse.move(box.x + sx, box.y + sy);
        const { text } = await readout(page);
        const ra = Number(/RA[^(]*\(([\d.]+)°\)/.exec(text)?.[1]);
        const dec = Number(/Dec[^(]*\((-?[\d.]+)°\)/.exec(text)?.[1]);
        const tol = 1.5 / zoom / 3600 + 2e-5;
        if (v.axis === 'ra')
          assert.ok(Math.abs(ra - v.valueDeg) * Math.cos((dec * Math.PI) / 180) < tol, `RA ${ra} vs ${v.valueDeg}`);
        else assert.ok(Math.abs(dec - v.valueDeg) < tol, `Dec ${dec} vs ${v.valueDeg}`);
      }
      await page.getByRole('switch', { name: 'RA/Dec grid (G)' }).uncheck();
    });
  },
);
