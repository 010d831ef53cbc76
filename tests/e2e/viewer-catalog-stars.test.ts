/**
 * The viewer's catalog-star overlay (issue 19 §5) in Chromium against `owb serve`, on the real DSS plate of
 * M67 with its own plate solution removed and our solver's TAN-SIP solution stored as the `solve` step does
 * (frames.solve_status / wcs_json). Checked against independent implementations:
 * - which stars: astropy reads Tycho-2 index 07 itself (kd-tree u32 → unit vectors, MAG_VT) and keeps those
 *   that astropy's WCS of the solution puts on the frame; the overlay lists the same number, brightest first
 *   with the same magnitudes;
 * - where: every circle's centre is astropy's `all_world2pix` of its star within 0.5 px (TAN-SIP);
 * - drawn: the canvas changes on each circle when the overlay (T) is switched on;
 * - hover: the star under the cursor is named with its V_T magnitude, and the RA/Dec readout there (from
 *   the solution) is the star's position to within a screen pixel's worth of sky.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { readFitsFile } from '../../src-workers/io/fits-file.js';
import { editHeaderBytes } from '../../src-workers/io/fits-header-edit.js';
import { plateSolveFrame } from '../../src-workers/tasks/plate-solve.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const REAL = process.env.OWB_REAL_DIR ?? '/work/shared/data/real';
const DSS = join(REAL, 'dss_poss1_m67_M6707HH.fits');
const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
const skip = !chromiumAvailable()
  ? 'no Chromium at /usr/bin/chromium'
  : !existsSync(INDEX07)
    ? 'Tycho-2 index package astrometry-data-tycho2-07 absent'
    : !existsSync(DSS)
      ? `${DSS} is absent (set OWB_REAL_DIR)`
      : false;

interface Star {
  raDeg: number;
  decDeg: number;
  mag: number;
  x: number;
  y: number;
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

async function canvasImage(page: Page): Promise<string> {
  return page.getByTestId('viewer-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

/** Waits for the canvas to be repainted (its image differs from `before`). */
async function repainted(page: Page, before: string): Promise<void> {
  await page.waitForFunction((b) => {
    const c = document.querySelector('[data-testid="viewer-canvas"]') as HTMLCanvasElement;
    return c.toDataURL() !== b;
  }, before);
}

describe('catalog stars over the viewer', { skip }, () => {
  let bench: Workbench;
  let page: Page;
  let work: string;
  let file: string;
  let cards: Record<string, string | number | boolean>;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'owb-catalog-stars-'));
    const m67 = await readFitsFile(DSS);
    const stripped = join(work, 'm67-nowcs.fits');
    writeFileSync(
      stripped,
      editHeaderBytes(m67.bytes, m67.hdus[0], (key) => !/^(AMD[XY]\d+|PPO\d+)$/.test(key), []),
    );
    const solved = await plateSolveFrame({ path: stripped, cacheDir: join(work, 'cache') });
    assert.ok(solved.solved, solved.reason);
    cards = Object.fromEntries((solved.cards ?? []).map((c) => [c.key, c.value as string | number | boolean]));
    bench = await openWorkbench('viewer-catalog-stars', { frames: 1, sizePx: 256, starCount: 20 }, (dir) => {
      file = join(dir, 'frames', 'm67-nowcs.fits');
      writeFileSync(
        file,
        editHeaderBytes(m67.bytes, m67.hdus[0], (key) => !/^(AMD[XY]\d+|PPO\d+)$/.test(key), []),
      );
      const db = new Database(join(dir, 'catalog.db'));
      db.prepare(
        `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec,
           width, height, source_count, status, created_at, processed_at, solve_status, wcs_json)
         VALUES ('m67', ?, 'm67-nowcs.fits', ?, '{}', 'light', 'R', 60, 1059, 1059, 0, 'done', 0, 0, 'solved', ?)`,
      ).run(file, statSync(file).size, JSON.stringify(cards));
      db.close();
    });
    page = bench.page;
  });

  after(async () => {
    await bench?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('draws the Tycho-2 stars of the footprint where the solution puts them, and names them on hover', async () => {
    await page.goto(`${bench.served.url}#/viewer?frame=2`);
    await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
    const toggle = page.getByRole('switch', { name: 'Catalog stars (A)' });
    await toggle.uncheck();
    // Detections off, so that the canvas at a circle changes by the circle alone.
    await page.getByTestId('viewer-canvas').waitFor();
    const bare = await canvasImage(page);
    await page.keyboard.press('a');
    assert.ok(await toggle.isChecked());
    const list = page.getByTestId('catalog-stars');
    await list.waitFor({ state: 'attached', timeout: 120_000 });
    await repainted(page, bare);
    const stars = JSON.parse((await list.getAttribute('data-stars'))!) as Star[];
    const total = Number(await list.getAttribute('data-total'));
    assert.match((await list.getAttribute('data-source'))!, /^index-tycho2-07/);
    assert.ok(stars.length >= 10, `${stars.length} catalog stars on a 30′ plate`);
    assert.equal(stars.length, total, 'every star of the footprint is drawn (fewer than the limit)');

    // astropy: its own reading of the index and its own TAN-SIP projection.
    const script = `
import sys, json, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
d = json.load(sys.stdin)
h = fits.open(d['index'], memmap=True)
def hdu(name):
    return next(i for i in range(1, len(h)) if h[i].header.get('TTYPE1') == name)
k = hdu('kdtree_data_stars'); r = hdu('kdtree_range_stars'); m = hdu('MAG_VT')
n = h[k].header['NAXIS2']
raw = np.memmap(d['index'], dtype='<u4', mode='r', offset=h.fileinfo(k)['datLoc'], shape=(n, 3))
rng = np.memmap(d['index'], dtype='<f8', mode='r', offset=h.fileinfo(r)['datLoc'], shape=(7,))
xyz = rng[0:3] + raw.astype(np.float64) / rng[6]
mag = np.asarray(h[m].data['MAG_VT'], dtype=np.float64)
hdr = fits.Header()
for key, v in d['cards'].items(): hdr[key] = v
w = WCS(hdr)
c = w.all_pix2world([[529.0, 529.0]], 0)[0]
ra0, dec0 = np.radians(c)
centre = np.array([np.cos(dec0) * np.cos(ra0), np.cos(dec0) * np.sin(ra0), np.sin(dec0)])
near = np.nonzero(xyz @ centre > np.cos(np.radians(2.0)))[0]
v = xyz[near]
ra = np.degrees(np.arctan2(v[:, 1], v[:, 0])) % 360
dec = np.degrees(np.arcsin(v[:, 2] / np.linalg.norm(v, axis=1)))
px = w.all_world2pix(np.column_stack([ra, dec]), 0)
inside = (px[:, 0] >= -0.5) & (px[:, 0] <= 1058.5) & (px[:, 1] >= -0.5) & (px[:, 1] <= 1058.5)
ours = w.all_world2pix(np.array([[s['raDeg'], s['decDeg']] for s in d['stars']]), 0)
print(json.dumps({'count': int(inside.sum()), 'mags': sorted(mag[near][inside].tolist()),
                  'ours': ours.tolist()}))`;
    const r = spawnSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify({ index: INDEX07, cards, stars }),
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    assert.equal(r.status, 0, r.stderr);
    const truth = JSON.parse(r.stdout) as { count: number; mags: number[]; ours: Array<[number, number]> };
    assert.equal(total, truth.count, 'stars on the frame: ours vs astropy');
    stars.forEach((s, i) => {
      assert.ok(Math.abs(s.mag - truth.mags[i]) < 1e-4, `star ${i}: V_T ${s.mag} vs astropy's ${truth.mags[i]}`);
      const d = Math.hypot(s.x - truth.ours[i][0], s.y - truth.ours[i][1]);
      assert.ok(d < 0.5, `star ${i} drawn at ${s.x},${s.y}, astropy ${truth.ours[i]} (${d} px)`);
    });

    await screenshot(page, 'viewer-catalog-stars');
    const canvas = page.getByTestId('viewer-canvas');
    const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
    const panX = Number(await canvas.getAttribute('data-pan-x'));
    const panY = Number(await canvas.getAttribute('data-pan-y'));
    const radius = Number(await list.getAttribute('data-circle-px'));
    const box = (await canvas.boundingBox())!;
    const screenOf = (s: Star): [number, number] => [panX + zoom * (s.x + 0.5), panY - zoom * (s.y + 0.5)];

    // Drawn: the ring of each of the brightest circles differs from the canvas without the overlay.
    const on = await Promise.all(
      stars.slice(0, 4).map((s) => canvasPatch(page, screenOf(s)[0] + radius, screenOf(s)[1])),
    );
    const drawn = await canvasImage(page);
    await page.keyboard.press('a');
    await list.waitFor({ state: 'detached' });
    await repainted(page, drawn);
    for (const [i, s] of stars.slice(0, 4).entries()) {
      const off = await canvasPatch(page, screenOf(s)[0] + radius, screenOf(s)[1]);
      const change = Math.max(...on[i].map((c, j) => Math.abs(c - off[j])));
      assert.ok(change > 40, `star ${i}: the canvas on its circle changed by only ${change}`);
    }
    const offImage = await canvasImage(page);
    await page.keyboard.press('a');
    await list.waitFor({ state: 'attached' });
    await repainted(page, offImage);

    // Hover: the star's magnitude, and the readout's RA/Dec from the solution at the star.
    const scaleDeg = 1.7 / 3600;
    for (const s of stars.slice(0, 3)) {
      const [sx, sy] = screenOf(s);
      await page.mouse.move(box.x + sx, box.y + sy);
      const hover = page.getByTestId('catalog-star-hover');
      await hover.waitFor();
      assert.match(await hover.innerText(), new RegExp(`^V_T ${s.mag.toFixed(2).replace('.', '\\.')} `));
      const text = await page.getByTestId('pixel-readout').innerText();
      const ra = Number(/RA[^(]*\(([\d.]+)°\)/.exec(text)?.[1]);
      const dec = Number(/Dec[^(]*\((-?[\d.]+)°\)/.exec(text)?.[1]);
      const tol = (1.5 / zoom) * scaleDeg + 2e-5;
      assert.ok(Math.abs(ra - s.raDeg) * Math.cos((dec * Math.PI) / 180) < tol, `RA ${ra} vs ${s.raDeg}`);
      assert.ok(Math.abs(dec - s.decDeg) < tol, `Dec ${dec} vs ${s.decDeg}`);
    }
    await screenshot(page, 'viewer-catalog-stars-hover');
  });
});
