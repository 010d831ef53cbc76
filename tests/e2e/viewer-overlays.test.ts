/**
 * The viewer's overlays of issue 26 §1 in Chromium. Contours: the levels run from the display's high limit to the peak and
 * the drawn vertices are matplotlib's contour vertices of the frame's pixels (within 0.1 px). RA/Dec grid, on the fixture's TAN frame and on the real DSS plate
 * of M67: the drawn lines sit at the pixel positions that `owb wcs --sky` gives for their sky points
 * (within 0.01 px), the canvas shows a line there (and not without the grid), and the cursor readout at a
 * line reads that line's RA or Dec.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openWorkbench, ROOT, screenshot, type Workbench } from './harness.js';

const DSS = '/work/shared/data/real/dss_poss1_m67_M6707HH.fits';

/** Adds the real DSS frame as frame 2 (its header, with the plate solution, is read from the file). */
function addDss(dir: string): void {
  if (!existsSync(DSS)) return;
  const path = join(dir, 'frames', 'dss_m67.fits');
  copyFileSync(DSS, path);
  const db = new Database(join(dir, 'catalog.db'));
  db.prepare(
    `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec, width, height, source_count, status, created_at, processed_at)
     VALUES ('dss', ?, 'dss_m67.fits', ?, '{}', 'light', 'R', 60, 1059, 1059, 0, 'done', 0, 0)`,
  ).run(path, statSync(path).size);
  db.close();
}

interface Vertex {
  axis: 'ra' | 'dec';
  valueDeg: number;
  x: number;
  y: number;
  ra: number;
  dec: number;
}

function frameFile(dir: string, frame: number): string {
  const db = new Database(join(dir, 'catalog.db'), { readonly: true });
  const { path } = db.prepare('SELECT path FROM frames WHERE id = ?').get(frame) as { path: string };
  db.close();
  return path;
}

/** `owb wcs FILE --sky RA,DEC …` → pixel positions. */
function owbSkyToPixel(file: string, points: Vertex[], out: string): Array<{ x: number; y: number }> {
  const args = ['--import', 'tsx', 'src-main/cli/main.ts', 'wcs', file, ...points.map((p) => `--sky=${p.ra},${p.dec}`)];
  const r = spawnSync(process.execPath, [...args, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(out, 'utf8')) as Array<{ x: number; y: number }>;
}

async function canvasPatch(page: Page, sx: number, sy: number): Promise<number[]> {
  return page.getByTestId('viewer-canvas').evaluate(
    (c, [x, y]) => {
      const ctx = (c as HTMLCanvasElement).getContext('2d')!;
      return Array.from(ctx.getImageData(Math.round(x) - 2, Math.round(y) - 2, 5, 5).data);
    },
    [sx, sy],
  );
}

describe(
  'WCS grid and contours in the viewer',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;

    before(async () => {
      bench = await openWorkbench('viewer-grid', { frames: 1, sizePx: 512, starCount: 30 }, addDss);
      page = bench.page;
    });

    after(async () => {
      await bench?.close();
    });

    for (const frame of [1, 2]) {
      it(`frame ${frame}: lines where owb wcs puts them, drawn, and read back by the cursor`, async (t) => {
        if (frame === 2 && !existsSync(DSS)) return t.skip(`${DSS} is absent`);
        await page.goto(`${bench.served.url}#/viewer?frame=${frame}`);
        await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
        await page.waitForLoadState('networkidle');
        const canvas = page.getByTestId('viewer-canvas');
        // The switch (G) keeps its state across frames: start from off, then turn it on by key.
        const toggle = page.getByRole('switch', { name: 'RA/Dec grid (G)' });
        await toggle.uncheck();
        await page.waitForTimeout(100);
        const before = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
        await page.keyboard.press('g');
        assert.ok(await toggle.isChecked());
        const grid = page.getByTestId('wcs-grid');
        await grid.waitFor({ state: 'attached' });
        const vertices = JSON.parse((await grid.getAttribute('data-vertices'))!) as Vertex[];
        assert.ok(vertices.filter((v) => v.axis === 'ra').length >= 2, 'RA lines');
        assert.ok(vertices.filter((v) => v.axis === 'dec').length >= 2, 'Dec lines');

        const owb = owbSkyToPixel(frameFile(bench.dir, frame), vertices, join(bench.dir, `grid-${frame}.json`));
        vertices.forEach((v, i) => {
          const d = Math.hypot(owb[i].x - v.x, owb[i].y - v.y);
          assert.ok(d < 0.01, `${v.axis} ${v.valueDeg}: drawn at ${v.x},${v.y}, owb wcs ${owb[i].x},${owb[i].y}`);
        });

        await page.waitForFunction((b) => {
          const c = document.querySelector('[data-testid="viewer-canvas"]') as HTMLCanvasElement;
          return c.toDataURL() !== b;
        }, before);
        await screenshot(page, `viewer-grid-frame-${frame}`);
        const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
        const panX = Number(await canvas.getAttribute('data-pan-x'));
        const panY = Number(await canvas.getAttribute('data-pan-y'));
        const box = (await canvas.boundingBox())!;
        const scaleDeg = (frame === 1 ? 1 : 1.7) / 3600;
        for (const v of vertices.slice(0, 4)) {
          const sx = panX + zoom * (v.x + 0.5);
          const sy = panY - zoom * (v.y + 0.5);
          const on = await canvasPatch(page, sx, sy);
          const drawn = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
          await page.keyboard.press('g');
          await grid.waitFor({ state: 'detached' });
          // Wait for the repaint without the grid rather than for a fixed time.
          await page.waitForFunction((b) => {
            const c = document.querySelector('[data-testid="viewer-canvas"]') as HTMLCanvasElement;
            return c.toDataURL() !== b;
          }, drawn);
          const off = await canvasPatch(page, sx, sy);
          const bare = await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
          await page.keyboard.press('g');
          await grid.waitFor({ state: 'attached' });
          await page.waitForFunction((b) => {
            const c = document.querySelector('[data-testid="viewer-canvas"]') as HTMLCanvasElement;
            return c.toDataURL() !== b;
          }, bare);
          const change = Math.max(...on.map((c, i) => Math.abs(c - off[i])));
          // An anti-aliased 1 px line between pixel centres, over a bright plate, still changes a channel by > 40.
          assert.ok(change > 40, `${v.axis} ${v.valueDeg}: the canvas at the line changed by only ${change}`);
          // The readout under the line: its constant coordinate within 1.5 screen pixels' worth of sky.
          await page.mouse.move(box.x + sx, box.y + sy);
          const text = await page.getByTestId('pixel-readout').innerText();
          const ra = Number(/RA[^(]*\(([\d.]+)°\)/.exec(text)?.[1]);
          const dec = Number(/Dec[^(]*\((-?[\d.]+)°\)/.exec(text)?.[1]);
          const tol = (1.5 / zoom) * scaleDeg + 2e-5;
          if (v.axis === 'ra') {
            const cosDec = Math.cos((dec * Math.PI) / 180);
            assert.ok(Math.abs(ra - v.valueDeg) * cosDec < tol, `RA ${ra} vs line ${v.valueDeg} (${text})`);
          } else assert.ok(Math.abs(dec - v.valueDeg) < tol, `Dec ${dec} vs line ${v.valueDeg}`);
        }
      });
    }

    it('frame 1: contours (K) from the high limit to the peak, at matplotlib contour vertices', async () => {
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      const toggle = page.getByRole('switch', { name: 'Contours (K)' });
      await toggle.uncheck();
      await page.getByRole('switch', { name: 'RA/Dec grid (G)' }).uncheck();
      await page.waitForTimeout(100);
      await page.keyboard.press('k');
      const contours = page.getByTestId('contours');
      await contours.waitFor({ state: 'attached' });
      const levels = JSON.parse((await contours.getAttribute('data-levels'))!) as number[];
      // Traced in the contour worker, not on the page's main thread.
      assert.equal(await contours.getAttribute('data-traced-in'), 'worker');
      const hi = Number(await page.getByLabel('High').inputValue());
      const peak = Number(await contours.getAttribute('data-peak'));
      assert.equal(levels.length, 5);
      // Log spaced from the display's high limit to the peak (core/viewer contourLevels 'log').
      levels.forEach((l, k) => {
        const want = hi - 1 + Math.exp(((k + 1) / 6) * Math.log(peak - hi + 1));
        assert.ok(Math.abs(l - want) < 1e-3 * (peak - hi), `level ${k}: ${l} vs ${want} (${hi}…${peak})`);
      });
      const first = JSON.parse((await contours.getAttribute('data-first-segments'))!) as number[][];
      const script = `
import sys, json, numpy as np, matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from astropy.io import fits
d = json.load(sys.stdin)
z = fits.getdata(d['file']).astype(np.float64)
cs = plt.contour(z, levels=d['levels'])
pts = [np.concatenate(s) if len(s) else np.zeros((0, 2)) for s in cs.allsegs]
out = []
for k, seg in enumerate(d['first']):
    out.append([float(np.min(np.hypot(pts[k][:, 0] - seg[i], pts[k][:, 1] - seg[i + 1]))) for i in (0, 2)])
print(json.dumps(out))`;
      const r = spawnSync('/usr/bin/python3', ['-c', script], {
        input: JSON.stringify({ file: frameFile(bench.dir, 1), levels, first }),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const distances = JSON.parse(r.stdout) as number[][];
      for (const [k, d] of distances.entries()) assert.ok(Math.max(...d) < 0.1, `level ${k}: ${d} px from matplotlib`);
      const canvas = page.getByTestId('viewer-canvas');
      await page.waitForTimeout(100);
      await screenshot(page, 'viewer-contours');
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const panX = Number(await canvas.getAttribute('data-pan-x'));
      const panY = Number(await canvas.getAttribute('data-pan-y'));
      const [x0, y0, x1, y1] = first[levels.length - 1];
      const sx = panX + zoom * ((x0 + x1) / 2 + 0.5);
      const sy = panY - zoom * ((y0 + y1) / 2 + 0.5);
      const on = await canvasPatch(page, sx, sy);
      await page.keyboard.press('k');
      await contours.waitFor({ state: 'detached' });
      await page.waitForTimeout(50);
      const off = await canvasPatch(page, sx, sy);
      assert.ok(Math.max(...on.map((c, i) => Math.abs(c - off[i]))) > 40, 'the contour is drawn where it was traced');
    });

    it('frame 1: draws a circle and a box, edits them, and saves DS9 regions that astropy-regions reads back', async () => {
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      const canvas = page.getByTestId('viewer-canvas');
      const box = (await canvas.boundingBox())!;
      await page.keyboard.press('r');
      await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.4);
      await page.keyboard.press('r');
      await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.65);
      await page.keyboard.press('r');
      await page.keyboard.press('r');
      await page.locator('[data-testid="drawn-regions"][data-count="2"]').waitFor();
      await page.getByTestId('region-0-r').fill('7.5');
      await page.getByTestId('region-1-angle').fill('20');
      await page.getByTestId('region-1-w').fill('30');
      const at = async (i: number): Promise<[number, number]> => [
        Number(await page.getByTestId(`region-${i}`).getAttribute('data-x')),
        Number(await page.getByTestId(`region-${i}`).getAttribute('data-y')),
      ];
      const drawn = [await at(0), await at(1)];
      await page.waitForTimeout(100);
      await screenshot(page, 'viewer-regions');
      const downloaded = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Save .reg' }).click();
      const file = join(bench.dir, 'drawn.reg');
      await (await downloaded).saveAs(file);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^icrs$/m);
      const script = `
import sys, json, warnings
warnings.simplefilter('ignore')
from regions import Regions
from astropy.io import fits
from astropy.wcs import WCS
d = json.load(sys.stdin)
w = WCS(fits.getheader(d['fits']))
out = []
for r in Regions.read(d['reg'], format='ds9'):
    p = r.to_pixel(w)
    out.append(dict(kind=type(p).__name__, x=float(p.center.x), y=float(p.center.y), r=float(getattr(p, 'radius', 0)), w=float(getattr(p, 'width', 0)), a=float(p.angle.to('deg').value) if hasattr(p, 'angle') else 0))
print(json.dumps(out))`;
      const r = spawnSync('/usr/bin/python3', ['-c', script], {
        input: JSON.stringify({ fits: frameFile(bench.dir, 1), reg: file }),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const back = JSON.parse(r.stdout) as Array<{
        kind: string;
        x: number;
        y: number;
        r: number;
        w: number;
        a: number;
      }>;
      assert.deepEqual(
        back.map((b) => b.kind),
        ['CirclePixelRegion', 'RectanglePixelRegion'],
      );
      back.forEach((b, i) =>
        assert.ok(Math.hypot(b.x - drawn[i][0], b.y - drawn[i][1]) < 0.01, `region ${i}: ${b.x},${b.y} vs ${drawn[i]}`),
      );
      assert.ok(Math.abs(back[0].r - 7.5) < 1e-3, `radius ${back[0].r}`);
      assert.ok(
        Math.abs(back[1].w - 30) < 1e-3 && Math.abs(back[1].a - 20) < 0.01,
        `box ${back[1].w} at ${back[1].a}°`,
      );
      await page.getByRole('button', { name: 'Delete region 1' }).click();
      await page.locator('[data-testid="drawn-regions"][data-count="1"]').waitFor();
      await page.keyboard.press('Delete');
      await page.getByTestId('drawn-regions').waitFor({ state: 'detached' });
    });
  },
);
