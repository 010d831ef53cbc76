/**
 * Picking the target and comparison stars on the image (issue 20 §1, §5) in Chromium: with picking on (P),
 * a click sets the target, clicks on stars add and remove comparison stars, the choice is stored in the
 * catalog, and `owb lightcurve` then uses it. Comparison stars 4 and 7 are brightened by 20 % in one frame,
 * so the ensemble built from exactly them shows the constant target 2.5·log10(1.2) mag fainter there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { chromiumAvailable, openWorkbench, ROOT, screenshot, watchPageErrors, type Workbench } from './harness.js';

const TARGET = 1;
const JUMP_MAG = 2.5 * Math.log10(1.2);
let brightFrame = 0;

function brightenComps(dir: string): void {
  const db = new Database(join(dir, 'catalog.db'));
  // The second frame of object 1's main filter (filters alternate R, V; both have three frames).
  const frames = db
    .prepare(
      "SELECT DISTINCT m.frame_id AS id FROM measurements m JOIN frames f ON f.id = m.frame_id WHERE m.object_id = 1 AND f.filter = 'V' ORDER BY f.mjd",
    )
    .all() as Array<{ id: number }>;
  brightFrame = frames[1].id;
  db.prepare('UPDATE measurements SET flux = flux * 1.2 WHERE frame_id = ? AND object_id IN (4, 7)').run(brightFrame);
  db.close();
}

function lightcurve(dir: string, comps?: string): { comps: string; rows: Array<{ frame: number; mag: number }> } {
  const out = join(dir, `lc-${comps ?? 'default'}.json`);
  const args = ['--import', 'tsx', 'src-main/cli/main.ts', 'lightcurve', '--db', join(dir, 'catalog.db')];
  args.push('--object', String(TARGET), '--format', 'json', '--out', out, ...(comps ? ['--comps', comps] : []));
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return {
    comps: /comparisons ([\d,]+)/.exec(r.stderr)?.[1] ?? '',
    rows: JSON.parse(readFileSync(out, 'utf8')) as Array<{ frame: number; mag: number }>,
  };
}

describe(
  'comparison stars picked in the viewer',
  { skip: chromiumAvailable() ? false : 'no Chromium at /usr/bin/chromium' },
  () => {
    let bench: Workbench;
    let page: Page;
    let errors: string[];

    before(async () => {
      bench = await openWorkbench('viewer-comparison', { frames: 6, sizePx: 512, starCount: 30 }, brightenComps);
      page = bench.page;
      errors = watchPageErrors(page);
    });

    after(async () => {
      await bench?.close();
    });

    /** Clicks object `id` where it was detected on frame 2 (a V frame). */
    async function clickObject(id: number): Promise<void> {
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const s = db.prepare('SELECT x, y FROM sources WHERE frame_id = 2 AND object_id = ?').get(id) as {
        x: number;
        y: number;
      };
      db.close();
      const canvas = page.getByTestId('viewer-canvas');
      const zoom = Number(await page.getByTestId('zoom-readout').getAttribute('data-zoom'));
      const panX = Number(await canvas.getAttribute('data-pan-x'));
      const panY = Number(await canvas.getAttribute('data-pan-y'));
      const box = (await canvas.boundingBox())!;
      await page.mouse.click(box.x + panX + zoom * (s.x + 0.5), box.y + panY - zoom * (s.y + 0.5));
    }

    const stored = (): number[] => {
      const db = new Database(join(bench.dir, 'catalog.db'), { readonly: true });
      const ids = (
        db
          .prepare('SELECT comp_object_id AS id FROM comparison_stars WHERE target_object_id = ? ORDER BY 1')
          .all(TARGET) as Array<{ id: number }>
      ).map((r) => r.id);
      db.close();
      return ids;
    };

    it('sets the target, toggles comparison stars by clicking, and owb lightcurve uses them', async () => {
      await page.goto(`${bench.served.url}#/viewer?frame=2`);
      await page.getByTestId('viewer-full-ready').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      await page.keyboard.press('p');
      const panel = page.getByTestId('comparison-panel');
      await panel.waitFor();
      await clickObject(TARGET);
      await page
        .locator(`[data-testid="comparison-panel"][data-target="${TARGET}"][data-comp-source="auto"]`)
        .waitFor();
      const list = page.getByTestId('comparison-list');
      await page.locator('[data-testid="comparison-list"]:not([data-comps=""])').waitFor();
      const auto = (await list.getAttribute('data-comps'))!;
      assert.ok(auto.split(',').length > 2, `automatic comparisons: ${auto}`);
      assert.equal(auto, lightcurve(bench.dir, 'auto').comps, 'the panel shows the automatic choice of owb lightcurve');

      const comps = async (want: string): Promise<void> => {
        await page.locator(`[data-testid="comparison-list"][data-comps="${want}"]`).waitFor();
      };
      await clickObject(4);
      await comps('4');
      assert.equal(await panel.getAttribute('data-comp-source'), 'user');
      // One star is not an ensemble: the panel says so instead of failing.
      await page.getByTestId('comparison-few').waitFor();
      await clickObject(7);
      await comps('4,7');
      await clickObject(4);
      await comps('7');
      await clickObject(4);
      await comps('4,7');
      assert.deepEqual(stored(), [4, 7]);
      await page.waitForTimeout(200);
      await screenshot(page, 'viewer-comparison-picked');

      // owb lightcurve without --comps now uses the picked stars: the brightened frame jumps by 0.198 mag.
      const picked = lightcurve(bench.dir);
      assert.equal(picked.comps, '4,7');
      const f = picked.rows.findIndex((r) => r.frame === brightFrame);
      for (const [i, r] of picked.rows.entries())
        if (i !== f)
          assert.ok(Math.abs(picked.rows[f].mag - r.mag - JUMP_MAG) < 1e-6, `Δmag ${picked.rows[f].mag - r.mag}`);
      assert.deepEqual(picked.rows, lightcurve(bench.dir, '4,7').rows);

      // A click on the target itself is not a comparison; a click on empty sky says so.
      await clickObject(TARGET);
      await page.getByTestId('comparison-note').getByText(`Object ${TARGET} is the target.`).waitFor();

      await page.getByRole('button', { name: 'Automatic' }).click();
      await page.locator('[data-testid="comparison-panel"][data-comp-source="auto"]').waitFor();
      await comps(auto);
      assert.deepEqual(stored(), []);
      assert.deepEqual(errors, []);
    });
  },
);
