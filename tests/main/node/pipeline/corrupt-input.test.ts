import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { frameBytes, writeFrame } from '../watch/frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-corrupt-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('a corrupt input under a profile that requires masters', () => {
  it('is reported as corrupt (with the reader’s reason), not as a light without masters of size null×null', async () => {
    const dir = join(root, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'corrupt.fits'), 'SIMPLE  =                    T / but nothing else follows');
    const whole = frameBytes({ seed: 3, size: 64 });
    writeFileSync(join(dir, 'truncated.fits'), whole.subarray(0, 2880));
    writeFrame(join(dir, 'good.fits'), { seed: 1, size: 16 });
    const catalog = Catalog.open(join(root, 'c.sqlite'));
    const profile = parseProfile({ name: 'cal', steps: { stats: true, calibrate: { require: true } } });
    const service = new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true });
    await service.runOnce();
    await service.stop();
    const failures = new Map(catalog.stats().failures.map((f) => [f.path?.split('/').pop(), f]));
    catalog.close();
    for (const name of ['corrupt.fits', 'truncated.fits']) {
      const f = failures.get(name);
      assert.ok(f, `${name} failed`);
      assert.match(String(f.errorCode), /^FITS_/, `${name}: ${f.errorCode}`);
      assert.match(String(f.error), new RegExp(`${name.replace('.', '\\.')}: corrupt input, not processed: `));
      assert.doesNotMatch(String(f.error), /masters|null/);
    }
    // A readable light without masters still says so, with its real size.
    assert.equal(failures.get('good.fits')?.errorCode, 'NO_MASTERS');
    assert.match(String(failures.get('good.fits')?.error), /16×16/);
  });
});
