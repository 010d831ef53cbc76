import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import type { SynthRunStatus } from '../../../../src-main/common/workbench-dto.js';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { createSynthPort } from '../../../../src-main/node/api/synth-port.js';

describe('dataset runs started from the UI', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  const events: SynthRunStatus[] = [];
  /** When each event arrived (ms), index for index with `events`. */
  const arrivals: number[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-datasets-'));
    services = openWorkspace(dir, { pollChanges: false });
    services.synth = createSynthPort('test');
    services.events.on('owb:synth.progress', (status) => {
      events.push(status);
      arrivals.push(Date.now());
    });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Resolves with the first progress event of `runId` that `accept` takes. */
  function eventOf(runId: string, accept: (s: SynthRunStatus) => boolean): Promise<SynthRunStatus> {
    return new Promise((resolve) => {
      const poll = (): void => {
        const hit = events.find((s) => s.runId === runId && accept(s));
        if (hit) resolve(hit);
        else setTimeout(poll, 5);
      };
      poll();
    });
  }

  it('generates off the server thread with throttled progress, a rate and the time left', async () => {
    const config = { General: { n_train: 3000, n_test: 1000, image_size: 32, seed: 3 } };
    const started = await handlers['owb:synth.run']({ config, outDir: join(dir, 'whole') });
    assert.equal(started.state, 'running');
    // The event loop turns while images are drawn: timers fire between the run's progress events.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const done = await eventOf(started.runId, (s) => s.state !== 'running');
    clearInterval(ticker);
    assert.equal(done.state, 'done', done.error ?? '');
    assert.deepEqual([done.done, done.total, done.secondsLeft], [4000, 4000, 0]);
    const progress = events.filter((s) => s.runId === started.runId);
    // Throttled in time, however fast this machine draws: running events at least 100 ms apart (the last
    // image and the end are published at once).
    const times = arrivals.filter((_, i) => events[i].runId === started.runId);
    const gaps = times.slice(1).map((t, i) => ({ gap: t - times[i], next: progress[i + 1] }));
    const early = gaps.filter((g) => g.next.state === 'running' && g.next.done < g.next.total && g.gap < 100);
    assert.deepEqual(early, [], 'progress events closer than 100 ms');
    assert.ok(progress.length < 4000, `${progress.length} progress events for 4000 images`);
    assert.ok(ticks >= 3, `the server's event loop turned ${ticks} times during the run`);
    const measured = progress.filter((s) => s.rate !== null);
    if (measured.length > 0) {
      const s = measured[0];
      assert.ok(s.rate! > 0 && Math.abs(s.secondsLeft! - (s.total - s.done) / s.rate!) < 1e-6);
    }
    assert.equal(readdirSync(join(dir, 'whole', 'train', 'lens')).length, 1500);
  });

  it('cancels a run, keeps what it wrote, and a run into the same folder continues it', async () => {
    const config = { General: { n_train: 16000, n_test: 4000, image_size: 32, seed: 4 } };
    const outDir = join(dir, 'cancelled');
    const started = await handlers['owb:synth.run']({ config, outDir });
    await eventOf(started.runId, (s) => s.done > 0);
    await handlers['owb:synth.cancel']({ runId: started.runId });
    const stopped = await eventOf(started.runId, (s) => s.state !== 'running');
    assert.equal(stopped.state, 'cancelled', stopped.error ?? '');
    assert.match(stopped.error ?? '', /generate into .*cancelled again to continue/);
    assert.ok(stopped.done < 20000, `${stopped.done} images before the cancel took effect`);
    assert.ok(existsSync(join(outDir, '.owb-partial')), 'the staged images are gone');
    const again = await handlers['owb:synth.run']({ config, outDir });
    const finished = await eventOf(again.runId, (s) => s.state !== 'running');
    assert.equal(finished.state, 'done', finished.error ?? '');
    assert.equal(finished.done, 20000);
    assert.equal(readdirSync(join(outDir, 'test', 'nonlens')).length, 2000);
  });

  it('refuses to cancel a run it does not know', async () => {
    await assert.rejects(
      async () => handlers['owb:synth.cancel']({ runId: 'synth-nope' }),
      /no dataset run 'synth-nope'/,
    );
  });

  it('says in plain words when the output folder is a file, and leaves the file alone', async () => {
    const outDir = join(dir, 'notes.txt');
    writeFileSync(outDir, 'my notes');
    const started = await handlers['owb:synth.run']({ config: { General: { n_train: 4, n_test: 4 } }, outDir });
    const failed = await eventOf(started.runId, (s) => s.state !== 'running');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, `${outDir}: exists and is not a folder`);
    assert.equal(readFileSync(outDir, 'utf8'), 'my notes');
  });

  it('runs injection mode into real frames', async () => {
    const frames = join(dir, 'real-frames');
    mkdirSync(frames);
    const data = new Float32Array(96 * 80).map((_, i) => 100 + ((i * 7919) % 13));
    await writeFitsImage(join(frames, 'night.fits'), { width: 96, height: 80, data });
    const config = {
      General: { mode: 'injection', seed: 2 },
      Injection: { frames_dir: frames, sources_per_frame: 5, bogus_stamps_per_frame: 2, stamp_size: 12 },
    };
    const started = await handlers['owb:synth.run']({ config, outDir: join(dir, 'injected') });
    const finished = await eventOf(started.runId, (s) => s.state !== 'running');
    assert.equal(finished.state, 'done', finished.error ?? '');
    assert.equal(finished.done, 1);
    const truth = readFileSync(join(dir, 'injected', 'truth.csv'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(truth.length, 1 + 5);
    assert.equal(readdirSync(join(dir, 'injected', 'stamps', 'bogus')).length, 2);
  });
});
