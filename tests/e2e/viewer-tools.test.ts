/**
 * Viewer tools of issue 26 §1 in Chromium: the zoom-factor readout with fit and 1:1, the N/E compass
 * (checked against astropy's WCS on a rotated frame), and the histogram with draggable levels.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openWorkbench, screenshot, type Served, type Workbench } from './harness.js';

const SIZE = 512;
const ROTATION_DEG = 30;
const PYTHON = '/usr/bin/python3';
const astropy = spawnSync(PYTHON, ['-c', 'import astropy.wcs'], { encoding: 'utf8' }).status === 0;

/** Adds frame 2: frame 1's pixels under a TAN WCS rotated by ROTATION_DEG, with 1.5″ pixels. */
function addRotatedFrame(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  const row = db.prepare('SELECT * FROM frames WHERE id = 1').get() as Record<string, unknown>;
  const header = JSON.parse(row.header_json as string) as Record<string, number | string>;
  const s = 1.5 / 3600;
  const t = (ROTATION_DEG * Math.PI) / 180;
  Object.assign(header, {
    CD1_1: -s * Math.cos(t),
    CD1_2: s * Math.sin(t),
    CD2_1: s * Math.sin(t),
    CD2_2: s * Math.cos(t),
  });
  // Same data unit, new header: rewrite the 2880-byte header block(s) of the file, keeping the data.
  const bytes = readFileSync(row.path as string);
  const text = bytes.toString('latin1');
  const end = Math.ceil((text.indexOf('END' + ' '.repeat(77)) + 80) / 2880) * 2880;
  const cards = Object.entries({
    SIMPLE: true,
    BITPIX: -32,
    NAXIS: 2,
    NAXIS1: SIZE,
    NAXIS2: SIZE,
    ...header,
  }).map(([k, v]) => {
    const value =
      typeof v === 'boolean'
        ? (v ? 'T' : 'F').padStart(20)
        : typeof v === 'number'
          ? String(v).padStart(20)
          : `'${v}'`.padEnd(20);
    return `${k.padEnd(8)}= ${value}`.padEnd(80);
  });
  cards.push('END'.padEnd(80));
  const block = Buffer.from(cards.join('').padEnd(Math.ceil(cards.length / 36) * 2880), 'latin1');
  const path = join(dir, 'frames', 'm51_rotated.fits');
  writeFileSync(path, Buffer.concat([block, bytes.subarray(end)]));
  db.prepare(
    `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec, date_obs, mjd, width, height, quality_json, source_count, status, created_at, processed_at)
     VALUES ('rotated', ?, 'm51_rotated.fits', ?, ?, 'light', 'R', 60, ?, ?, ?, ?, ?, 0, 'done', 0, 0)`,
  ).run(path, bytes.length, JSON.stringify(header), row.date_obs, row.mjd, SIZE, SIZE, row.quality_json);
  db.close();
}

/** North and east as screen math angles at the frame centre, from astropy (image y up on screen). */
function astropyCompass(header: Record<string, unknown>): { north: number; east: number } {
  const script = `
import json, sys, math
from astropy.io import fits
from astropy.wcs import WCS
h = fits.Header()
for k, v in json.loads(sys.argv[1]).items(): h[k] = v
w = WCS(h)
c = (${SIZE} - 1) / 2
ra, dec = w.wcs_pix2world([[c, c]], 0)[0]
step = 10 / 3600
n = w.wcs_world2pix([[ra, dec + step]], 0)[0]
e = w.wcs_world2pix([[ra + step / math.cos(math.radians(dec)), dec]], 0)[0]
print(json.dumps({"north": math.degrees(math.atan2(n[1] - c, n[0] - c)), "east": math.degrees(math.atan2(e[1] - c, e[0] - c))}))
`;
  const out = spawnSync(PYTHON, ['-c', script, JSON.stringify(header)], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout) as { north: number; east: number };
}

const angleDiff = (a: number, b: number): number => Math.abs(((a - b + 540) % 360) - 180);

async function openFrame(page: Page, url: string, frame: number): Promise<void> {
  await page.goto(`${url}#/viewer?frame=${frame}`);
  await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
}

async function readoutXY(page: Page): Promise<[number, number]> {
  const text = await page.getByTestId('pixel-readout').innerText();
  const m = /x, y\s+(-?[\d.]+), (-?[\d.]+)/.exec(text);
  assert.ok(m, text);
  return [Number(m[1]), Number(m[2])];
}

describe(
  'viewer tools in Chromium: zoom readout, compass, levels histogram',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let served: Served;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-tools', { frames: 1, sizePx: SIZE, starCount: 30 }, addRotatedFrame);
      ({ served, page } = bench);
    });

    after(async () => {
      await bench?.close();
    });

    it('shows the zoom factor; 1:1 keeps the view centre, F fits again', async () => {
      await openFrame(page, served.url, 1);
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      const fit = Math.min(box.width / SIZE, box.height / SIZE) * 0.98;
      const readout = page.getByTestId('zoom-readout');
      assert.ok(Math.abs(Number(await readout.getAttribute('data-zoom')) - fit) < 1e-6);
      assert.match(await readout.innerText(), new RegExp(`zoom ${Number(fit.toPrecision(3))}×`));
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const [cx, cy] = await readoutXY(page);
      await page.keyboard.press('1');
      await readout.getByText('zoom 1:1').waitFor();
      await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const [x1, y1] = await readoutXY(page);
      assert.ok(Math.abs(x1 - cx) < 1 && Math.abs(y1 - cy) < 1, `centre ${cx},${cy} → ${x1},${y1}`);
      await screenshot(page, 'viewer-tools-one-to-one');
      await page.keyboard.press('f');
      await page.waitForFunction(
        (z) =>
          Math.abs(Number(document.querySelector('[data-testid="zoom-readout"]')?.getAttribute('data-zoom')) - z) <
          1e-6,
        fit,
      );
      await page.getByRole('button', { name: '1:1' }).click();
      await readout.getByText('zoom 1:1').waitFor();
    });

    it('Shift+drag zooms to the selected box, centred on it', async () => {
      await openFrame(page, served.url, 1);
      await page.keyboard.press('f');
      const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
      const readout = page.getByTestId('zoom-readout');
      const fit = Math.min(box.width / SIZE, box.height / SIZE) * 0.98;
      await page.waitForFunction(
        (z) =>
          Math.abs(Number(document.querySelector('[data-testid="zoom-readout"]')?.getAttribute('data-zoom')) - z) <
          1e-6,
        fit,
      );
      const [ax, ay, bx, by] = [
        box.x + box.width / 2 - 30,
        box.y + box.height / 2 - 80,
        box.x + box.width / 2 + 90,
        box.y + box.height / 2 + 10,
      ];
      // The image position under the box centre, read from the readout before zooming.
      await page.mouse.move((ax + bx) / 2, (ay + by) / 2);
      const [cx, cy] = await readoutXY(page);
      await page.keyboard.down('Shift');
      await page.mouse.move(ax, ay);
      await page.mouse.down();
      await page.mouse.move((ax + bx) / 2, (ay + by) / 2);
      await page.mouse.move(bx, by);
      await page.getByTestId('zoom-selection').waitFor();
      await screenshot(page, 'viewer-tools-zoom-selection');
      await page.mouse.up();
      await page.keyboard.up('Shift');
      const expected = fit * Math.min(box.width / (bx - ax), box.height / (by - ay));
      await page.waitForFunction(
        (z) =>
          Math.abs(Number(document.querySelector('[data-testid="zoom-readout"]')?.getAttribute('data-zoom')) / z - 1) <
          1e-6,
        expected,
      );
      assert.match(await readout.innerText(), new RegExp(`zoom ${Number(expected.toPrecision(3))}×`));
      await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const [x1, y1] = await readoutXY(page);
      assert.ok(Math.abs(x1 - cx) < 0.6 && Math.abs(y1 - cy) < 0.6, `box centre ${cx},${cy} → view centre ${x1},${y1}`);
      await page.getByTestId('zoom-selection').waitFor({ state: 'detached' });
    });

    it(
      'draws N and E as astropy finds them on a frame rotated by 30°',
      { skip: astropy ? false : 'astropy not importable by /usr/bin/python3' },
      async () => {
        for (const frame of [1, 2]) {
          await openFrame(page, served.url, frame);
          const compass = page.getByTestId('compass');
          await compass.waitFor();
          const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
          const { header_json } = db.prepare('SELECT header_json FROM frames WHERE id = ?').get(frame) as {
            header_json: string;
          };
          db.close();
          const truth = astropyCompass(JSON.parse(header_json) as Record<string, unknown>);
          const north = Number(await compass.getAttribute('data-north-deg'));
          const east = Number(await compass.getAttribute('data-east-deg'));
          assert.ok(angleDiff(north, truth.north) < 0.1, `frame ${frame}: north ${north}° vs astropy ${truth.north}°`);
          assert.ok(angleDiff(east, truth.east) < 0.1, `frame ${frame}: east ${east}° vs astropy ${truth.east}°`);
          if (frame === 2) await screenshot(page, 'viewer-tools-compass-rotated');
        }
      },
    );

    it('dragging the high level on the histogram sets manual limits at the dragged value', async () => {
      await openFrame(page, served.url, 1);
      const histogram = page.getByTestId('levels-histogram');
      await histogram.waitFor();
      const before = await page.getByTestId('viewer-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
      const hb = (await histogram.boundingBox())!;
      const r0 = Number(await histogram.getAttribute('data-range-lo'));
      const r1 = Number(await histogram.getAttribute('data-range-hi'));
      const handle = (await page.getByTestId('level-hi').locator('line').boundingBox())!;
      const startX = handle.x + handle.width / 2;
      const targetX = Math.max(hb.x + 40, startX - 60);
      await page.mouse.move(startX, hb.y + hb.height / 2);
      await page.mouse.down();
      await page.mouse.move((startX + targetX) / 2, hb.y + hb.height / 2);
      await page.mouse.move(targetX, hb.y + hb.height / 2);
      await page.mouse.up();
      // The svg has a 1 px border inside its box: the value axis starts 1 px in.
      const expected = r0 + ((targetX - hb.x - 1) / (hb.width - 2)) * (r1 - r0);
      const perPixel = (r1 - r0) / (hb.width - 2);
      await page.waitForFunction(() =>
        document.querySelector('[data-testid="limits-select"]')?.textContent?.includes('manual'),
      );
      const high = Number(await page.getByLabel('High').inputValue());
      assert.ok(Math.abs(high - expected) < 1.5 * perPixel, `high ${high} vs dragged-to ${expected} (±${perPixel})`);
      await page.waitForTimeout(200);
      const after = await page.getByTestId('viewer-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
      assert.notEqual(after, before, 'the frame was redrawn with the new level');
      await screenshot(page, 'viewer-tools-histogram');
    });
  },
);
