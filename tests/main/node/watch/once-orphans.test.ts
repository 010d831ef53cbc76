import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { newOwnerId, ownerIsDead } from '../../../../src-main/node/jobs/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { writeFrame } from './frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-orphans-'));
after(() => rmSync(root, { recursive: true, force: true }));
const profile = parseProfile({ name: 'trivial', steps: { stats: true }, stability: { intervalMs: 50 } });

/** Processes `dir` once into `path`, then leaves job 1 as a crashed process would: running under its lease. */
async function catalogWithOrphan(name: string, owner: string, leaseLeftMs: number): Promise<string> {
  const dir = join(root, name);
  for (let i = 0; i < 3; i++) writeFrame(join(dir, `f${i}.fits`), { seed: i + 1, size: 8 });
  const path = join(root, `${name}.sqlite`);
  const catalog = Catalog.open(path);
  const service = new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true });
  await service.runOnce();
  await service.stop();
  catalog.db
    .prepare(
      "UPDATE jobs SET state = 'running', attempts = 1, lease_owner = ?, lease_expires_at = ?, finished_at = NULL WHERE id = 1",
    )
    .run(owner, Date.now() + leaseLeftMs);
  catalog.close();
  return dir;
}

async function runOnce(name: string, dir: string): Promise<{ state: string; attempts: number }> {
  const catalog = Catalog.open(join(root, `${name}.sqlite`));
  const service = new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true, leaseMs: 2000 });
  const status = await service.runOnce();
  await service.stop();
  const job = catalog.db.prepare('SELECT state, attempts FROM jobs WHERE id = 1').get() as {
    state: string;
    attempts: number;
  };
  catalog.close();
  assert.equal(status.running, 0, 'nothing left running');
  return job;
}

describe('watch --once and crash-orphaned jobs', () => {
  it('waits for the lease of a crashed process on another host to expire, then runs the job', async () => {
    const dir = await catalogWithOrphan('other-host', 'observatory-node-7/4242/0badc0de', 1500);
    const start = Date.now();
    const job = await runOnce('other-host', dir);
    assert.deepEqual(job, { state: 'done', attempts: 2 });
    assert.ok(Date.now() - start >= 1400, 'not before the lease ran out');
  });

  it('takes back at once a job leased by a dead process that had our pid (pid reuse in containers)', async () => {
    const reused = `${hostname()}/${process.pid}/deadbeef`;
    assert.equal(ownerIsDead(reused), true);
    assert.equal(ownerIsDead(newOwnerId()), false, 'an owner of this process is alive');
    const dir = await catalogWithOrphan('same-pid', reused, 10 * 60_000);
    const start = Date.now();
    assert.deepEqual(await runOnce('same-pid', dir), { state: 'done', attempts: 2 });
    assert.ok(Date.now() - start < 60_000, 'without waiting for the ten-minute lease');
  });
});
