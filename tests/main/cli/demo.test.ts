import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../src-main/node/catalog/index.js';

const owb = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });

describe('owb demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-demo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let jobsAfterFirstRun: Record<string, number> = {};
  let transientsAfterFirstRun = -1;

  it('creates the workspace, processes every frame and finds the simulated stars', () => {
    const run = owb(['demo', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /3 real frames, 15 simulated frames/);
    assert.match(run.stdout, /18 frames \(3 bias, 3 dark, 3 flat/);
    assert.deepEqual(readdirSync(join(dir, 'truth')).length, 6);

    const catalog = Catalog.open(join(dir, 'catalog.db'));
    try {
      const frames = catalog.listFrames({ limit: 100, sort: 'file_name' });
      assert.equal(frames.length, 18);
      assert.ok(
        frames.every((f) =>
          f.frameType === 'light' || f.frameType === 'unknown' ? f.status === 'processed' : f.status === 'filed',
        ),
        frames.map((f) => `${f.fileName}:${f.status}:${f.error}`).join(' '),
      );
      const lights = frames.filter((f) => /^light_V_/.test(f.fileName));
      assert.equal(lights.length, 6);
      for (const [i, light] of lights.entries()) {
        // The simulation widens the PSF by 0.15 px per frame from 2.8 px; the catalog's median FWHM
        // must follow it within 10 %.
        const fwhm = catalog
          .sourcesOfFrame(light.id, { limit: 100000 })
          .map((s) => s.fwhm)
          .filter((v): v is number => v !== null && v > 0)
          .sort((a, b) => a - b);
        const median = fwhm[Math.floor(fwhm.length / 2)];
        const truth = 2.8 + 0.15 * i;
        assert.ok(Math.abs(median / truth - 1) < 0.1, `${light.fileName}: median FWHM ${median} vs ${truth}`);
      }
      // The simulated transient (40000 ADU at 0.62·W, 0.38·H plus each frame's drift) is in the last two
      // lights only: differencing against the first light must find it there within 0.3 px.
      const transients = catalog.db
        .prepare(
          "SELECT f.file_name AS file, c.details_json AS d FROM candidates c JOIN frames f ON f.id = c.frame_id WHERE c.kind = 'transient'",
        )
        .all() as Array<{ file: string; d: string }>;
      for (const i of [4, 5]) {
        const want = { x: 0.62 * 512 + 3 * Math.sin(i * 1.3), y: 0.38 * 512 + 2.5 * Math.cos(i * 0.9) };
        const hits = transients
          .filter((t) => t.file === `light_V_00${i + 1}.fits`)
          .map((t) => JSON.parse(t.d) as { x: number; y: number; sign: number })
          .filter((c) => c.sign > 0 && Math.hypot(c.x - want.x, c.y - want.y) < 0.3);
        assert.equal(hits.length, 1, `transient in light ${i + 1}: ${JSON.stringify(transients)}`);
      }
      jobsAfterFirstRun = catalog.jobCounts();
      transientsAfterFirstRun = transients.length;
      const elsewhere = transients.filter((t) => !/light_V_00[56]/.test(t.file));
      assert.ok(elsewhere.length <= 2, `spurious candidates: ${JSON.stringify(elsewhere)}`);
    } finally {
      catalog.close();
    }
    // Each simulated light reports the recall of truth stars brighter than 5000 ADU; the detector must find ≥ 90 %.
    const recalls = [...run.stdout.matchAll(/light_V_\d+\.fits.*\s(\d\.\d{3})\s*$/gm)].map((m) => Number(m[1]));
    assert.equal(recalls.length, 6, run.stdout);
    for (const r of recalls) assert.ok(r >= 0.9, `recall ${r}`);
  });

  it('is idempotent: a second run keeps the same frames and processes nothing twice', () => {
    const run = owb(['demo', dir]);
    assert.equal(run.status, 0, run.stderr);
    const catalog = Catalog.open(join(dir, 'catalog.db'));
    try {
      assert.equal(catalog.countFrames(), 18);
      assert.deepEqual(catalog.jobCounts(), jobsAfterFirstRun);
      assert.equal(
        catalog.db.prepare("SELECT count(*) AS n FROM candidates WHERE kind = 'transient'").pluck().get(),
        transientsAfterFirstRun,
      );
    } finally {
      catalog.close();
    }
  });
});
