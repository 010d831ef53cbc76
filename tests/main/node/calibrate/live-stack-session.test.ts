import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLiveStackSession } from '../../../../src-main/node/calibrate/live-stack-session.js';
import { transformDistanceRms } from '../../../../src-workers/core/register/index.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { aboutCentre, render, scene } from '../../../workers/core/register/synthetic.js';

describe('createLiveStackSession', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-live-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds frames one at a time (registered within 0.05 px), explains a corrupt one, and snapshots the stack', async () => {
    const W = 200;
    const H = 160;
    const sc = scene(51, W, H, 90);
    const truths = [aboutCentre(W, H, 0, 0, 0), aboutCentre(W, H, 2.6, -1.8, 0.2), aboutCentre(W, H, -3.1, 2.2, -0.3)];
    const session = createLiveStackSession({ kappa: 5 });
    for (const [k, t] of truths.entries()) {
      const p = join(dir, `f${k}.fits`);
      await writeFitsImage(p, render(sc, t, W, H, 60 + k, 5), { header: { IMAGETYP: 'Light' } });
      const r = await session.add(p);
      assert.ok(r.added, r.added ? '' : r.reason);
      assert.ok(transformDistanceRms(r.transform, t, W, H) < 0.05);
      assert.equal(session.frames, k + 1);
    }
    const bad = join(dir, 'bad.fits');
    writeFileSync(bad, 'not fits');
    const r = await session.add(bad);
    assert.equal(r.added, false);
    assert.match(r.added ? '' : r.reason, /bad\.fits/);
    const out = join(dir, 'live.fits');
    await session.snapshot(out);
    const { image, header } = await readFitsImage(out);
    assert.equal(header.getNumber('NCOMBINE'), 3);
    const coverage = (await readFitsImage(join(dir, 'live_coverage.fits'))).image;
    assert.equal(coverage.data[80 * W + 100], 3);
    // Interior of the live stack vs the noise-free reference rendering: noise shrinks with 3 frames.
    const truth = render(sc, truths[0], W, H, 0, 0).data;
    let ss = 0;
    let n = 0;
    for (let y = 15; y < H - 15; y++) {
      for (let x = 15; x < W - 15; x++) {
        ss += (image.data[y * W + x] - truth[y * W + x]) ** 2;
        n++;
      }
    }
    assert.ok(Math.sqrt(ss / n) < (5 / Math.sqrt(3)) * 1.3, `rms ${Math.sqrt(ss / n)}`);
  });
});
