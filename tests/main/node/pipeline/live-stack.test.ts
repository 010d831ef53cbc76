import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { writeFrame } from '../watch/frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-stack-'));
after(() => rmSync(root, { recursive: true, force: true }));

const STARS: Array<[number, number, number]> = [
  [12.3, 14.7, 5000],
  [40.1, 20.4, 3000],
  [25.5, 50.2, 7000],
  [60.2, 62.8, 4000],
  [66.5, 10.5, 6000],
  [15.5, 66.0, 3500],
];

describe('live stack', () => {
  it('registers each light onto the first processed and keeps the running mean, each frame once', async () => {
    const dir = join(root, 'night');
    // Guiding drift: every frame is shifted by (1.6, -1.1) px more than the previous one.
    for (let i = 0; i < 4; i++) {
      const stars = STARS.map(([x, y, f]) => [x + 1.6 * i, y - 1.1 * i, f] as [number, number, number]);
      writeFrame(join(dir, `l${i}.fits`), { seed: 50 + i, size: 80, stars });
    }
    const catalog = Catalog.open(join(root, 'stack.sqlite'));
    const profile = parseProfile({
      name: 'stacking',
      steps: { detect: true, liveStack: true },
      stability: { intervalMs: 50 },
    });
    const service = new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true });
    await service.runOnce();
    await service.stop();
    const [stack] = catalog.listStacks();
    assert.equal(stack.frameCount, 4);
    assert.equal(catalog.jobCounts().failed, 0);
    const methods = catalog.db.prepare('SELECT method FROM stack_frames ORDER BY frame_id').all() as Array<{
      method: string;
    }>;
    assert.deepEqual(
      methods.map((m) => m.method),
      ['reference', 'stars', 'stars', 'stars'],
    );
    const { image, header } = await readFitsImage(stack.path, { hdu: 0 });
    assert.equal(header.get('NFRAMES'), 4);
    // The reference is whichever light was processed first (under load not always l0): find its drift.
    const reference = catalog.db.prepare('SELECT path FROM frames WHERE id = ?').get(stack.referenceFrameId) as {
      path: string;
    };
    const r = Number(/l(\d)\.fits$/.exec(reference.path)![1]);
    // Stars stay where the reference has them (a blurred stack would spread the peak over the drift).
    const at = (x: number, y: number) => image.data[Math.round(y) * image.width + Math.round(x)];
    const sigma = 1.3;
    for (const [x0, y0, f] of STARS.slice(0, 4)) {
      const [x, y] = [x0 + 1.6 * r, y0 - 1.1 * r];
      const peak = f / (2 * Math.PI * sigma * sigma);
      assert.ok(
        at(x, y) - 100 > 0.6 * peak,
        `star at (${x}, ${y}): ${at(x, y) - 100} above sky, single-frame peak ${peak.toFixed(0)}`,
      );
    }
    catalog.close();
  });
});
