import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';

const root = mkdtempSync(join(tmpdir(), 'owb-diffjob-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('difference profile step', () => {
  it('differences each light against the earliest one and records the transient once', async () => {
    const dir = join(root, 'night');
    mkdirSync(dir, { recursive: true });
    const transient = { x: 120.3, y: 70.6, fluxAdu: 20000, fwhmPx: 3 };
    // Three drifting epochs of one field; the transient shines only in the last.
    for (let i = 0; i < 3; i++) {
      const shift: [number, number] = [1.7 * i, -1.2 * i];
      const { image } = simulateStarField({
        widthPx: 180,
        heightPx: 180,
        starCount: 60,
        fwhmPx: 2.8 + 0.2 * i,
        skyAdu: 200,
        gainEPerAdu: 2,
        minFluxAdu: 4000,
        maxFluxAdu: 8e4,
        seed: 77,
        noiseSeed: 100 + i,
        shiftPx: shift,
        extraStars: i === 2 ? [transient] : [],
      });
      await writeFitsImage(join(dir, `epoch${i}.fits`), image, {
        header: { IMAGETYP: 'Light Frame', FILTER: 'R', EXPTIME: 30, 'DATE-OBS': `2026-05-0${i + 1}T22:00:00` },
      });
    }
    const profile = parseProfile({
      name: 'transients',
      steps: { detect: true, difference: { threshSigma: 5 } },
      stability: { intervalMs: 50 },
    });
    const dbPath = join(root, 'cat.sqlite');
    for (let run = 0; run < 2; run++) {
      const catalog = Catalog.open(dbPath);
      const service = new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true });
      await service.runOnce();
      await service.stop();
      const jobs = catalog.db
        .prepare("SELECT state, result_json AS r FROM jobs WHERE kind = 'difference'")
        .all() as Array<{ state: string; r: string }>;
      assert.equal(jobs.length, 3, 'one difference job per light');
      assert.ok(
        jobs.every((j) => j.state === 'done'),
        JSON.stringify(jobs),
      );
      const rows = catalog.db
        .prepare(
          "SELECT f.file_name AS file, c.details_json AS d FROM candidates c JOIN frames f ON f.id = c.frame_id WHERE c.kind = 'transient'",
        )
        .all() as Array<{ file: string; d: string }>;
      const want = { x: transient.x + 3.4, y: transient.y - 2.4 };
      const hits = rows
        .map((r) => ({
          file: r.file,
          ...(JSON.parse(r.d) as { x: number; y: number; sign: number; flux: number; differencePath: string }),
        }))
        .filter((c) => c.sign > 0 && Math.hypot(c.x - want.x, c.y - want.y) < 0.5);
      assert.equal(hits.length, 1, `run ${run}: ${JSON.stringify(rows)}`);
      assert.equal(hits[0].file, 'epoch2.fits');
      assert.ok(Math.abs(hits[0].flux / transient.fluxAdu - 1) < 0.06, `flux ${hits[0].flux}`);
      assert.ok(rows.length <= 3, `${rows.length} candidates`);
      catalog.close();
    }
  });

  it('names the field when a profile asks for a reference that does not exist', () => {
    assert.throws(
      () => parseProfile({ steps: { difference: { reference: 42 } } }, 'night.yaml'),
      /night\.yaml: steps\.difference\.reference: must be the path of a reference FITS frame/,
    );
    assert.throws(
      () => parseProfile({ steps: { difference: { threshSigma: 0 } } }, 'night.yaml'),
      /steps\.difference\.threshSigma: must be a positive number/,
    );
  });
});
