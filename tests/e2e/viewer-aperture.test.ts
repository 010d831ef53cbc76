/**
 * Interactive aperture photometry (issue 26 §3) in Chromium: clicking a star places an aperture with a sky
 * annulus; the panel's sum, sky and net flux equal photutils' (exact-overlap CircularAperture, sigma-clipped
 * CircularAnnulus median) on the served FITS file to 1e-6, and stay equal as the radius ([ ]) and the
 * annulus (slider, arrow keys) change. The magnifier and pixel table follow the cursor, with the FITS values
 * (astropy) of the 5×5 pixels around it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openWorkbench, screenshot, watchPageErrors, type Workbench } from './harness.js';

const PYTHON = '/usr/bin/python3';
const photutils = spawnSync(PYTHON, ['-c', 'import photutils.aperture'], { encoding: 'utf8' }).status === 0;

interface Shown {
  x: number;
  y: number;
  r: number;
  ri: number;
  ro: number;
  sum: number;
  sky: number;
  net: number;
}

function photutilsOf(file: string, s: Shown): { sum: number; sky: number; net: number } {
  const script = `
import sys, json, numpy as np
from astropy.io import fits
from astropy.stats import SigmaClip
from photutils.aperture import CircularAperture, CircularAnnulus, ApertureStats, aperture_photometry
d = json.load(sys.stdin)
z = fits.getdata(d['file']).astype(np.float64)
ap = CircularAperture((d['x'], d['y']), r=d['r'])
an = CircularAnnulus((d['x'], d['y']), r_in=d['ri'], r_out=d['ro'])
s = float(aperture_photometry(z, ap, method='exact')['aperture_sum'][0])
m = float(ApertureStats(z, an, sigma_clip=SigmaClip(sigma=3, maxiters=10)).median)
print(json.dumps(dict(sum=s, sky=m, net=s - m * ap.area)))`;
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ file, ...s }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { sum: number; sky: number; net: number };
}

describe(
  'interactive aperture in the viewer',
  {
    skip: !chromiumAvailable()
      ? 'no Chromium at /usr/bin/chromium'
      : photutils
        ? false
        : 'photutils not importable by /usr/bin/python3',
  },
  () => {
    let bench: Workbench;
    let page: Page;
    let errors: string[];

    before(async () => {
      bench = await openWorkbench('viewer-aperture', { frames: 2, sizePx: 512, starCount: 30 });
      page = bench.page;
      errors = watchPageErrors(page);
    });

    after(async () => {
      await bench?.close();
    });

    async function shown(): Promise<Shown> {
      const p = page.getByTestId('aperture-panel');
      const n = async (a: string): Promise<number> => Number(await p.getAttribute(a));
      return {
        x: await n('data-x'),
        y: await n('data-y'),
        r: await n('data-radius'),
        ri: await n('data-annulus-inner'),
        ro: await n('data-annulus-outer'),
        sum: await n('data-raw-sum'),
        sky: await n('data-sky'),
        net: await n('data-net-flux'),
      };
    }

    function agree(file: string, s: Shown, what: string): void {
      const want = photutilsOf(file, s);
      const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));
      assert.ok(rel(s.sum, want.sum) < 1e-6, `${what}: sum ${s.sum} vs photutils ${want.sum}`);
      assert.ok(rel(s.sky, want.sky) < 1e-6, `${what}: sky ${s.sky} vs photutils ${want.sky}`);
      assert.ok(rel(s.net, want.net) < 1e-6, `${what}: net ${s.net} vs photutils ${want.net}`);
    }

    it('clicking a star gives photutils photometry, live as the radii change', async () => {
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const star = db.prepare('SELECT x, y FROM sources WHERE frame_id = 1 ORDER BY flux DESC LIMIT 1').get() as {
        x: number;
        y: number;
      };
      const { path } = db.prepare('SELECT path FROM frames WHERE id = 1').get() as { path: string };
      db.close();
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      const canvas = page.getByTestId('viewer-canvas');
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const panX = Number(await canvas.getAttribute('data-pan-x'));
      const panY = Number(await canvas.getAttribute('data-pan-y'));
      const box = (await canvas.boundingBox())!;
      await page.mouse.click(box.x + panX + zoom * (star.x + 0.5), box.y + panY - zoom * (star.y + 0.5));
      const panel = page.getByTestId('aperture-panel');
      await panel.waitFor();
      const first = await shown();
      assert.ok(Math.hypot(first.x - star.x, first.y - star.y) < 1, `centred at ${first.x},${first.y}`);
      assert.ok(first.net > 0 && first.r >= 3 && first.ri > first.r && first.ro > first.ri);
      agree(path, first, 'as placed');

      await page.keyboard.press(']');
      await page.keyboard.press(']');
      await page.locator(`[data-testid="aperture-panel"][data-radius="${first.r + 1}"]`).waitFor();
      const wider = await shown();
      agree(path, wider, 'radius +1 px');
      assert.notEqual(wider.sum, first.sum);

      const outer = page.getByRole('slider', { name: 'Sky outer (px)' });
      await outer.focus();
      for (let i = 0; i < 4; i++) await outer.press('ArrowRight');
      await page.locator(`[data-testid="aperture-panel"][data-annulus-outer="${first.ro + 2}"]`).waitFor();
      agree(path, await shown(), 'sky outer +2 px');
      await page.waitForTimeout(100);
      await screenshot(page, 'viewer-aperture');
      assert.deepEqual(errors, []);
    });

    it('the pixel table holds the FITS values around the cursor; the magnifier shows them', async () => {
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const { path } = db.prepare('SELECT path FROM frames WHERE id = 1').get() as { path: string };
      db.close();
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      const canvas = page.getByTestId('viewer-canvas');
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const panX = Number(await canvas.getAttribute('data-pan-x'));
      const panY = Number(await canvas.getAttribute('data-pan-y'));
      const box = (await canvas.boundingBox())!;
      const [px, py] = [123, 321];
      await page.mouse.move(box.x + panX + zoom * (px + 0.5), box.y + panY - zoom * (py + 0.5));
      // Mouse events carry whole CSS pixels: the pixel under the cursor is the one the readout names.
      const text = await page.getByTestId('pixel-readout').innerText();
      const m = /x, y\s+(-?[\d.]+), (-?[\d.]+)/.exec(text);
      assert.ok(m && Math.abs(Number(m[1]) - px) < 1 && Math.abs(Number(m[2]) - py) < 1, text);
      const [cx, cy] = [Math.round(Number(m[1])), Math.round(Number(m[2]))];
      const table = page.locator(`[data-testid="pixel-table"][data-x="${cx}"][data-y="${cy}"]`);
      await table.waitFor();
      const cells = await table.locator('td').evaluateAll((tds) =>
        tds.map((td) => ({
          x: Number(td.getAttribute('data-x')),
          y: Number(td.getAttribute('data-y')),
          v: Number(td.getAttribute('data-value')),
        })),
      );
      assert.equal(cells.length, 25);
      // The top row is the highest y, as on screen.
      assert.equal(cells[0].y, cy + 2);
      assert.equal(cells[24].y, cy - 2);
      assert.equal(cells[12].x, cx);
      const r = spawnSync(
        PYTHON,
        [
          '-c',
          'import sys, json\nfrom astropy.io import fits\nd = json.load(sys.stdin)\nz = fits.getdata(d["f"])\nprint(json.dumps([float(z[c["y"], c["x"]]) for c in d["c"]]))',
        ],
        { input: JSON.stringify({ f: path, c: cells }), encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      const want = JSON.parse(r.stdout) as number[];
      cells.forEach((c, k) =>
        assert.ok(Math.abs(c.v - want[k]) <= 1e-6 * Math.abs(want[k]), `(${c.x}, ${c.y}): ${c.v} vs ${want[k]}`),
      );
      const lit = await page.getByTestId('magnifier').evaluate((c) => {
        const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 126, 126).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 30) n++;
        return n / (d.length / 4);
      });
      assert.ok(lit > 0.3, `the magnifier is drawn (${lit} of it lit)`);
      await screenshot(page, 'viewer-pixel-table');
      // Another frame does not keep this frame's cursor values (the readout showed them until the mouse moved).
      await page.goto(`${bench.served.url}#/viewer?frame=2`);
      await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
      await page.getByTestId('pixel-table').waitFor({ state: 'detached' });
      assert.match(await page.getByTestId('pixel-readout').innerText(), /x, y\s+—/);
    });

    it("the help lists the viewer tools' keys", async () => {
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-ready').waitFor({ state: 'attached' });
      await page.keyboard.press('F1');
      const help = page.getByTestId('global-help');
      await help.waitFor();
      const text = await help.innerText();
      // One row per key: the key, then what it does in that view.
      for (const row of [
        /^G\s+Viewer: RA\/Dec grid/m,
        /^K\s+Viewer: contours/m,
        /^R\s+Viewer: regions: draw circles/m,
        /^P\s+Viewer: pick target/m,
        /^\[\s+Viewer: aperture radius −0\.5 px/m,
        /^\]\s+Viewer: aperture radius \+0\.5 px/m,
      ])
        assert.match(text, row);
      await page.keyboard.press('Escape');
    });
  },
);
