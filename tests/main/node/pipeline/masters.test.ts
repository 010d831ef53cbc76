import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { defaultProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { writeFrame } from '../watch/frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-masters-'));
after(() => rmSync(root, { recursive: true, force: true }));

function requireMasters() {
  const profile = defaultProfile();
  profile.name = 'calibrated';
  profile.steps.calibrate = { require: true };
  profile.stability.intervalMs = 50;
  return profile;
}

async function runOnce(dir: string, db: string) {
  const catalog = Catalog.open(db);
  const service = new WatchService({ catalog, dirs: [dir], profile: requireMasters(), threads: 1, once: true });
  await service.runOnce();
  await service.stop();
  return catalog;
}

describe('calibration frames and masters', () => {
  it('files calibration frames, builds masters from them, and calibrates lights that wait for them', async () => {
    const dir = join(root, 'night');
    let seed = 1;
    for (const type of ['Bias Frame', 'Dark Frame', 'Flat Field'])
      for (let i = 0; i < 3; i++)
        writeFrame(join(dir, `${type.split(' ')[0]}-${i}.fits`), { seed: seed++, imagetyp: type });
    // Lights first in name order, so their jobs come before the masters exist.
    for (let i = 0; i < 2; i++) writeFrame(join(dir, `a-light-${i}.fits`), { seed: 100 + i });
    const catalog = await runOnce(dir, join(root, 'night.sqlite'));
    const masters = catalog.listMasters();
    assert.deepEqual(
      masters.map((m) => [m.kind, m.inputCount, m.status]),
      [
        ['bias', 3, 'ready'],
        ['dark', 3, 'ready'],
        ['flat', 3, 'ready'],
      ],
    );
    for (const m of masters) assert.ok(m.path && existsSync(m.path), `${m.kind} master file missing`);
    assert.deepEqual(catalog.jobCounts(), {
      queued: 0,
      running: 0,
      done: 9 + 2 + catalog.listJobs({ limit: 1000 }).filter((j) => j.kind === 'build-master').length,
      failed: 0,
    });
    const lights = catalog.listFrames({ frameType: 'light' });
    assert.equal(lights.length, 2);
    for (const light of lights) {
      const job = catalog.db.prepare('SELECT result_json FROM jobs WHERE frame_id = ?').get(light.id) as {
        result_json: string;
      };
      assert.ok((JSON.parse(job.result_json) as { ran: string[] }).ran.includes('calibrate'), job.result_json);
      assert.ok(
        light.sourceCount && light.sourceCount >= 3,
        `light ${light.fileName} found ${light.sourceCount} sources`,
      );
    }
    catalog.close();
  });

  it('fails a light whose profile requires masters when there is nothing to build them from', async () => {
    const dir = join(root, 'lonely');
    writeFrame(join(dir, 'light.fits'), { seed: 7 });
    const catalog = await runOnce(dir, join(root, 'lonely.sqlite'));
    const [job] = catalog.listJobs({ state: 'failed' });
    assert.equal(job?.errorCode, 'NO_MASTERS');
    assert.match(job?.error ?? '', /light\.fits: the profile requires masters/);
    catalog.close();
  });
});
