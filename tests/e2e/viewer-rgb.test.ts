/**
 * RGB composition in the viewer (issue 26 §1), in Chromium: red is frame 1, green and blue frames 2 and 3,
 * whose WCSs are shifted by a few pixels. The colour drawn over a frame-1 pixel must be, channel by
 * channel, the linear stretch between that channel's levels of the pixel that astropy's WCS puts at the
 * same sky position in each frame (within 1 level of 255).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { decodeImageHdu, encodeFits, imageHdu, parseFits } from '../../src-workers/core/fits/index.js';
import type { Image } from '../../src-workers/core/image/image.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const SIZE = 128;
const PYTHON = '/usr/bin/python3';
const astropy = spawnSync(PYTHON, ['-c', 'import astropy.wcs'], { encoding: 'utf8' }).status === 0;
const SHIFTS: Record<number, [number, number]> = { 2: [5.3, -2.8], 3: [-4.1, 6.6] };
const LEVELS = [
  { lo: 950, hi: 1400 },
  { lo: 900, hi: 1600 },
  { lo: 1000, hi: 1200 },
];

function shiftFrames(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  for (const [id, [dx, dy]] of Object.entries(SHIFTS)) {
    const row = db.prepare('SELECT path, header_json FROM frames WHERE id = ?').get(Number(id)) as {
      path: string;
      header_json: string;
    };
    const header = JSON.parse(row.header_json) as Record<string, number | string>;
    header.CRPIX1 = Number(header.CRPIX1) + dx;
    header.CRPIX2 = Number(header.CRPIX2) + dy;
    const image = decodeImageHdu(parseFits(new Uint8Array(readFileSync(row.path))).hdus[0]);
    writeFileSync(row.path, encodeFits([imageHdu(image, { header })]));
    db.prepare('UPDATE frames SET header_json = ? WHERE id = ?').run(JSON.stringify(header), Number(id));
  }
  db.close();
}

/** Frame f's image and header from its file. */
function frame(dir: string, f: number): { image: Image; header: Record<string, unknown> } {
  const hdu = parseFits(new Uint8Array(readFileSync(join(dir, 'frames', `m51_00${f}.fits`)))).hdus[0];
  const header: Record<string, unknown> = {};
  for (const c of hdu.header.cards) if (/^(CTYPE|CRPIX|CRVAL|CD)\d/.test(c.key)) header[c.key] = c.value;
  return { image: decodeImageHdu(hdu), header };
}

/** Frame-1 pixels mapped through the sky into frames 2 and 3 by astropy (0-based). */
function astropyMap(headers: Record<string, unknown>[], points: [number, number][]): [number, number][][] {
  const script = `
import json, sys
from astropy.io import fits
from astropy.wcs import WCS
hs, pts = json.loads(sys.argv[1])
def wcs(d):
    h = fits.Header()
    for k, v in d.items(): h[k] = v
    return WCS(h)
w = [wcs(h) for h in hs]
sky = w[0].wcs_pix2world(pts, 0)
print(json.dumps([w[k].wcs_world2pix(sky, 0).tolist() for k in (1, 2)]))
`;
  const out = spawnSync(PYTHON, ['-c', script, JSON.stringify([headers, points])], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout) as [number, number][][];
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

describe(
  'RGB composite of three frames registered by WCS',
  { skip: !chromiumAvailable() ? 'no Chromium at /usr/bin/chromium' : !astropy ? 'no astropy' : false },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-rgb', { frames: 3, sizePx: SIZE, starCount: 15 }, shiftFrames);
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      await page.getByRole('switch', { name: 'Detections' }).uncheck();
    });

    after(async () => {
      await bench?.close();
    });

    it('draws each channel from its own frame at the same sky position, between its own levels', async () => {
      await page.getByRole('switch', { name: 'RGB composite' }).check();
      await page.locator('[data-testid="rgb-panel"][data-ready="true"]').waitFor();
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
      await screenshot(page, 'viewer-rgb-composite');
      assert.equal(await page.getByTestId('viewer-canvas').getAttribute('data-rgb'), 'true');

      const frames = [1, 2, 3].map((f) => frame(bench.dir, f));
      const points: [number, number][] = [];
      for (let k = 0; k < 40; k++) points.push([(k * 37) % SIZE, (k * 53 + 11) % SIZE]);
      points.push([2, 2], [SIZE - 3, SIZE - 3]);
      const [in2, in3] = astropyMap(
        frames.map((f) => f.header),
        points,
      );
      const valueAt = (img: Image, [x, y]: [number, number]): number => {
        const [i, j] = [Math.floor(x + 0.5), Math.floor(y + 0.5)];
        return i >= 0 && j >= 0 && i < img.width && j < img.height ? img.data[j * img.width + i] : Number.NaN;
      };
      for (const [k, p] of points.entries()) {
        const want = [
          stretch(valueAt(frames[0].image, p), LEVELS[0]),
          stretch(valueAt(frames[1].image, in2[k]), LEVELS[1]),
          stretch(valueAt(frames[2].image, in3[k]), LEVELS[2]),
        ];
        const got = await colourAt(page, p[0], p[1]);
        for (let c = 0; c < 3; c++)
          assert.ok(
            Math.abs(got[c] - want[c]) <= 1,
            `pixel ${p}: channel ${'RGB'[c]} drawn ${got[c]}, expected ${want[c]} (frame 2 at ${in2[k]}, frame 3 at ${in3[k]})`,
          );
      }
      // The last point has no frame-2 data (the shifted frame ends before it): it was checked as black green.
      assert.ok(Number.isNaN(valueAt(frames[1].image, in2[points.length - 1])), `frame 2 at ${in2[points.length - 1]}`);
    });
  },
);
