/**
 * Regions put to work in the viewer (issue 26 §2), in Chromium: M measures forced photometry at the drawn
 * regions and the table agrees with photutils/astropy-regions on the same frame and the same region file;
 * Shift+M detects again with the regions masked and loses exactly the sources astropy-regions puts inside
 * them; a polygon's vertex drags alone and the saved region file has it where it was dropped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MaskedDetection, RegionPhotometryRow } from '../../src-main/common/region-measure-dto.js';
import { decodeBinary } from '../../src-main/common/wire-codec.js';
import { openDatabase } from '../../src-main/node/catalog/database.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const ZP = 25.125;

/** `channel` over owb serve's POST /api/invoke (binary replies decoded as the renderer does). */
async function invoke<T>(bench: Workbench, channel: string, request: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${bench.served.port}/api/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bench.served.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, request }),
  });
  const binary = res.headers.get('content-type')?.startsWith('application/octet-stream');
  const result = (binary ? decodeBinary(new Uint8Array(await res.arrayBuffer())) : await res.json()) as {
    ok: boolean;
    value: T;
    error?: { message: string };
  };
  assert.ok(result.ok, result.error?.message);
  return result.value;
}

/** Screen point of image pixel centre (x, y) in the default orientation (screen up = image +y). */
async function screenOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const canvas = page.getByTestId('viewer-canvas');
  const box = (await canvas.boundingBox())!;
  const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
  const panX = Number(await canvas.getAttribute('data-pan-x'));
  const panY = Number(await canvas.getAttribute('data-pan-y'));
  return [box.x + panX + zoom * (x + 0.5), box.y + panY - zoom * (y + 0.5)];
}

async function saveRegions(page: Page, bench: Workbench, name: string): Promise<string> {
  await page.getByLabel('Coordinates').click();
  await page.getByRole('option', { name: 'image' }).click();
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save .reg' }).click();
  const file = join(bench.dir, name);
  await (await downloaded).saveAs(file);
  return file;
}

/** photutils / astropy-regions on the frame: per region the sky-subtracted sum, and which sources lie inside. */
const REFERENCE = `
import sys, json, warnings
import numpy as np
warnings.simplefilter('ignore')
from astropy.io import fits
from astropy.stats import SigmaClip
from photutils.aperture import CircularAperture, CircularAnnulus, ApertureStats, aperture_photometry
from regions import Regions, PixCoord, CirclePixelRegion
d = json.load(sys.stdin)
data = fits.getdata(d['fits']).astype(float)
regs = list(Regions.read(d['reg'], format='ds9'))
out = []
for reg, row in zip(regs, d['rows']):
    ann = CircularAnnulus((row['x'], row['y']), row['annulusPx'][0], row['annulusPx'][1])
    sky = ApertureStats(data, ann, sigma_clip=SigmaClip(sigma=3, maxiters=10)).median
    if isinstance(reg, CirclePixelRegion):
        ap = CircularAperture((reg.center.x, reg.center.y), reg.radius)
        total = float(aperture_photometry(data, ap, method='exact')['aperture_sum'][0])
        area = float(ap.area)
    else:
        m = reg.to_mask(mode='center')
        vals = m.get_values(data)
        total = float(vals.sum())
        area = float(len(vals))
    out.append(dict(kind=type(reg).__name__, flux=total - sky * area, area=area, sky=float(sky)))
src = d['sources']
inside = [any(bool(r.contains(PixCoord(x, y))) for r in regs) for x, y in src]
print(json.dumps(dict(regions=out, inside=inside)))`;

describe(
  'regions as photometry apertures and detection masks',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;
    let baseline: MaskedDetection;
    let stars: Array<[number, number]>;
    let regFile: string;
    let rows: RegionPhotometryRow[];

    before(async () => {
      bench = await openWorkbench('viewer-region-measure', { frames: 1, sizePx: 256, starCount: 25 }, (dir) => {
        const db = openDatabase(join(dir, 'catalog.db'));
        db.prepare('UPDATE frames SET phot_zp = ?, phot_zp_err = 0.02 WHERE id = 1').run(ZP);
        db.close();
      });
      page = bench.page;
      await page.goto(`${bench.served.url}#/viewer?frame=1`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      baseline = await invoke<MaskedDetection>(bench, 'owb:frames.detectMasked', { frameId: 1, regions: '' });
      // Bright stars 30 px from the edges with no other detection within 25 px, brightest first.
      const order = Array.from({ length: baseline.count }, (_, i) => i).sort(
        (a, b) => baseline.flux[b] - baseline.flux[a],
      );
      stars = order
        .filter((i) => {
          const [x, y] = [baseline.x[i], baseline.y[i]];
          if (x < 30 || y < 30 || x > 225 || y > 225) return false;
          for (let k = 0; k < baseline.count; k++)
            if (k !== i && Math.hypot(baseline.x[k] - x, baseline.y[k] - y) < 25) return false;
          return true;
        })
        .slice(0, 3)
        .map((i) => [baseline.x[i], baseline.y[i]]);
      assert.equal(stars.length, 3, `isolated bright stars among ${baseline.count} detections`);
    });

    after(async () => {
      await bench?.close();
    });

    it('M measures a circle, a box and a polygon; the table agrees with photutils on the saved file', async () => {
      await page.keyboard.press('r'); // circle
      await page.mouse.click(...(await screenOf(page, ...stars[0])));
      await page.locator('[data-testid="drawn-regions"][data-count="1"]').waitFor();
      await page.keyboard.press('r'); // box
      await page.mouse.click(...(await screenOf(page, ...stars[1])));
      await page.locator('[data-testid="drawn-regions"][data-count="2"]').waitFor();
      await page.keyboard.press('q'); // polygon around the third star
      const [x3, y3] = stars[2];
      for (const [dx, dy] of [
        [-9, -8],
        [10, -7],
        [8, 9],
        [-7, 10],
      ])
        await page.mouse.click(...(await screenOf(page, x3 + dx, y3 + dy)));
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="drawn-regions"][data-count="3"]').waitFor();
      await page.keyboard.press('q'); // drawing off
      // Sizes typed last: keys typed into a field are no shortcuts.
      await page.getByTestId('region-0-r').fill('6');
      await page.getByTestId('region-1-angle').fill('25');
      await page.getByTestId('region-1-w').fill('16');
      await page.getByTestId('region-1-w').blur();
      await page.keyboard.press('m');
      const table = page.getByTestId('region-photometry');
      await table.waitFor();
      rows = JSON.parse((await table.getAttribute('data-rows'))!) as RegionPhotometryRow[];
      assert.deepEqual(
        rows.map((r) => r.shape),
        ['circle', 'box', 'polygon'],
      );
      await screenshot(page, 'viewer-region-photometry');
      regFile = await saveRegions(page, bench, 'measured.reg');

      const py = spawnSync('/usr/bin/python3', ['-c', REFERENCE], {
        input: JSON.stringify({
          fits: join(bench.dir, 'frames', 'm51_001.fits'),
          reg: regFile,
          rows,
          sources: Array.from(baseline.x, (x, i) => [x, baseline.y[i]]),
        }),
        encoding: 'utf8',
      });
      assert.equal(py.status, 0, py.stderr);
      const ref = JSON.parse(py.stdout) as {
        regions: Array<{ kind: string; flux: number; area: number; sky: number }>;
        inside: boolean[];
      };
      assert.deepEqual(
        ref.regions.map((r) => r.kind),
        ['CirclePixelRegion', 'RectanglePixelRegion', 'PolygonPixelRegion'],
      );
      rows.forEach((row, i) => {
        const r = ref.regions[i];
        // Same pixels, same exact overlaps, same clipped median: they agree to rounding (measured 1e-15
        // relative); allowed 1e-6 of the flux.
        assert.ok(
          Math.abs(row.flux - r.flux) <= 1e-6 * Math.abs(r.flux),
          `${row.shape}: flux ${row.flux} vs photutils ${r.flux}`,
        );
        assert.ok(Math.abs(row.areaPx - r.area) < 1e-6, `${row.shape}: area ${row.areaPx} vs ${r.area}`);
        assert.ok(Math.abs(row.backgroundAdu - r.sky) < 1e-6, `${row.shape}: sky ${row.backgroundAdu} vs ${r.sky}`);
        assert.ok(row.flux > 3 * row.fluxErr && row.fluxErr > 0, `${row.shape}: ${row.flux} ± ${row.fluxErr}`);
        assert.ok(row.mag !== null && Math.abs(row.mag - (ZP - 2.5 * Math.log10(row.flux))) < 1e-9, `mag ${row.mag}`);
      });
      // What the user reads: the magnitudes in the table.
      await assert.doesNotReject(table.getByText(rows[0].mag!.toFixed(3), { exact: false }).first().waitFor());

      // Shift+M: detection with the three regions masked.
      await page.keyboard.press('Shift+M');
      const masked = page.getByTestId('masked-detection');
      await masked.waitFor();
      const got = JSON.parse((await masked.getAttribute('data-xy'))!) as Array<[number, number]>;
      const kept = Array.from(baseline.x, (x, i) => [x, baseline.y[i]] as [number, number]).filter(
        (_, i) => !ref.inside[i],
      );
      const lost = ref.inside.filter(Boolean).length;
      assert.ok(lost >= 3, `${lost} sources inside the regions`);
      assert.equal(got.length, kept.length, `masked: ${got.length} sources, expected ${baseline.count} − ${lost}`);
      for (const [x, y] of kept)
        assert.ok(
          got.some(([gx, gy]) => Math.hypot(gx - x, gy - y) < 0.05),
          `source at ${x.toFixed(2)},${y.toFixed(2)} outside the mask is still found`,
        );
      await page.getByRole('button', { name: 'Photometry (M)' }).and(page.locator(':enabled')).waitFor();
      await screenshot(page, 'viewer-region-masked-detection');
    });

    it('a polygon vertex drags alone, and the saved file has it where it was dropped', async () => {
      const before = JSON.parse((await page.getByTestId('region-2-points').getAttribute('data-points'))!) as number[];
      await page.keyboard.press('q'); // drawing on: presses grab regions and vertices
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const [sx, sy] = await screenOf(page, before[2], before[3]);
      await page.mouse.move(sx, sy);
      await page.mouse.down();
      await page.mouse.move(sx + 10, sy + 10);
      await page.mouse.move(sx + 24, sy + 16);
      await page.mouse.up();
      await page.keyboard.press('q');
      const moved = JSON.parse((await page.getByTestId('region-2-points').getAttribute('data-points'))!) as number[];
      // Screen right is image +x, screen down image −y (within one screen pixel: mouse events land on whole pixels); only vertex 1 changed.
      assert.ok(Math.abs(moved[2] - before[2] - 24 / zoom) <= 1 / zoom, `vertex x ${moved[2]} from ${before[2]}`);
      assert.ok(Math.abs(moved[3] - before[3] + 16 / zoom) <= 1 / zoom, `vertex y ${moved[3]} from ${before[3]}`);
      moved.forEach((v, k) => {
        if (k !== 2 && k !== 3) assert.equal(v, before[k], `value ${k} unchanged`);
      });
      assert.equal(await page.locator('[data-testid="drawn-regions"]').getAttribute('data-count'), '3');
      await screenshot(page, 'viewer-polygon-vertex-dragged');
      const file = await saveRegions(page, bench, 'vertex.reg');
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('polygon('));
      assert.ok(line, 'the file has the polygon');
      const saved = /polygon\(([^)]*)\)/.exec(line)![1].split(',').map(Number);
      // DS9 image coordinates are 1-based; the file keeps 3 decimals.
      saved.forEach((v, k) => assert.ok(Math.abs(v - 1 - moved[k]) < 6e-4, `saved ${k}: ${v} vs ${moved[k] + 1}`));
    });
  },
);
