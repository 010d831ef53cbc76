/**
 * RGB composition registered by stars (issue 26 §1, "registered by WCS or stars"), in Chromium: green and
 * blue are the red frame's field moved by known sub-pixel shifts, with headers that still claim the red
 * frame's WCS (so WCS registration would misplace them). Registered by stars, the panel's transforms are
 * within 0.1 px of the true shifts, and the colour over a red-frame pixel is, channel by channel, the
 * stretch of the pixel that transform puts there.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeImageHdu, encodeFits, imageHdu, parseFits } from '../../src-workers/core/fits/index.js';
import type { Image } from '../../src-workers/core/image/image.js';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const SIZE = 256;
const SHIFTS: Record<number, [number, number]> = { 2: [6.37, -4.81], 3: [-11.2, 3.05] };
const LEVELS = [
  { lo: 950, hi: 1400 },
  { lo: 900, hi: 1600 },
  { lo: 1000, hi: 1200 },
];

/** Frames 2 and 3: the fixture's field (seed 7) moved by SHIFTS, headers (and WCS) left as they were. */
function shiftPixels(dir: string): void {
  for (const [id, shiftPx] of Object.entries(SHIFTS)) {
    const path = join(dir, 'frames', `m51_00${id}.fits`);
    const hdu = parseFits(new Uint8Array(readFileSync(path))).hdus[0];
    const header: Record<string, string | number> = {};
    for (const c of hdu.header.cards)
      if (/^(OBJECT|IMAGETYP|FILTER|EXPTIME|DATE-OBS|CTYPE\d|CRPIX\d|CRVAL\d|CD\d_\d)$/.test(c.key))
        header[c.key] = c.value as string | number;
    const { image } = simulateStarField({
      widthPx: SIZE,
      heightPx: SIZE,
      starCount: 150,
      fwhmPx: 3,
      skyAdu: 1000,
      seed: 7,
      noiseSeed: 700 + Number(id),
      shiftPx,
    });
    writeFileSync(path, encodeFits([imageHdu(image, { header })]));
  }
}

function frameImage(dir: string, f: number): Image {
  return decodeImageHdu(parseFits(new Uint8Array(readFileSync(join(dir, 'frames', `m51_00${f}.fits`)))).hdus[0]);
}

const stretch = (v: number, l: { lo: number; hi: number }): number =>
  Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, Math.round(((v - l.lo) * 255) / (l.hi - l.lo))));

async function colourAt(page: Page, x: number, y: number): Promise<number[]> {
  const canvas = page.getByTestId('viewer-canvas');
  const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
  const panX = Number(await canvas.getAttribute('data-pan-x'));
  const panY = Number(await canvas.getAttribute('data-pan-y'));
  const [sx, sy] = [panX + zoom * (x + 0.5), panY - zoom * (y + 0.5)];
  return canvas.evaluate(
    (el, p) => [
      ...(el as HTMLCanvasElement).getContext('2d')!.getImageData(Math.floor(p.sx), Math.floor(p.sy), 1, 1).data,
    ],
    { sx, sy },
  );
}

interface Fit {
  a: number;
  b: number;
  tx: number;
  c: number;
  d: number;
  ty: number;
}

describe(
  'RGB composite registered by stars',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-rgb-stars', { frames: 3, sizePx: SIZE, starCount: 150 }, shiftPixels);
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      await page.getByRole('switch', { name: 'Detections' }).uncheck();
    });

    after(async () => {
      await bench?.close();
    });

    it('finds the shifts within 0.1 px and draws each channel from the pixel the fit gives', async () => {
      await page.getByRole('switch', { name: 'RGB composite' }).check();
      await page.getByTestId('rgb-register').click();
      await page.getByRole('option', { name: 'stars' }).click();
      await page.locator('[data-testid="rgb-panel"][data-ready="true"]').waitFor();
      const note = page.getByTestId('rgb-star-fit');
      const fits = [
        JSON.parse((await note.getAttribute('data-g'))!) as Fit,
        JSON.parse((await note.getAttribute('data-b'))!) as Fit,
      ];
      fits.forEach((t, k) => {
        const [dx, dy] = SHIFTS[k + 2];
        assert.ok(Math.hypot(t.tx - dx, t.ty - dy) < 0.1, `frame ${k + 2}: fit ${t.tx}, ${t.ty} vs shift ${dx}, ${dy}`);
        assert.ok(Math.abs(t.a - 1) < 1e-3 && Math.abs(t.d - 1) < 1e-3 && Math.abs(t.b) < 1e-3 && Math.abs(t.c) < 1e-3);
      });
      for (const [c, name] of ['r', 'g', 'b'].entries()) {
        await page.getByTestId(`rgb-${name}-hi`).fill(String(LEVELS[c].hi));
        await page.getByTestId(`rgb-${name}-lo`).fill(String(LEVELS[c].lo));
      }
      await page.getByTestId('rgb-b-lo').blur();
      await page.waitForFunction(
        (lv) => (document.querySelector('[data-testid="rgb-b-lo"]') as HTMLInputElement | null)?.value === String(lv),
        LEVELS[2].lo,
      );
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
      await screenshot(page, 'viewer-rgb-stars');

      const images = [1, 2, 3].map((f) => frameImage(bench.dir, f));
      const valueAt = (img: Image, x: number, y: number): number => {
        const [i, j] = [Math.floor(x + 0.5), Math.floor(y + 0.5)];
        return i >= 0 && j >= 0 && i < img.width && j < img.height ? img.data[j * img.width + i] : Number.NaN;
      };
      const through = (t: Fit, x: number, y: number): [number, number] => [
        t.a * x + t.b * y + t.tx,
        t.c * x + t.d * y + t.ty,
      ];
      for (let k = 0; k < 40; k++) {
        const [x, y] = [(k * 37) % SIZE, (k * 53 + 11) % SIZE];
        const want = [
          stretch(valueAt(images[0], x, y), LEVELS[0]),
          stretch(valueAt(images[1], ...through(fits[0], x, y)), LEVELS[1]),
          stretch(valueAt(images[2], ...through(fits[1], x, y)), LEVELS[2]),
        ];
        const got = await colourAt(page, x, y);
        for (let c = 0; c < 3; c++)
          assert.ok(
            Math.abs(got[c] - want[c]) <= 1,
            `pixel ${x},${y}: ${'RGB'[c]} drawn ${got[c]}, expected ${want[c]}`,
          );
      }
    });
  },
);
