// `owb synth` as users run it after `npm install`: bin/owb.js on dist/, where the command and its task
// are bundles (scripts/build-bundles.mjs). The rest of the suite runs the sources, so this is what
// checks that a bundle writes the same dataset and still says a user's mistake with exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { datasetFiles } from '../node/synth/dataset-files.js';

const BUNDLES = ['dist/src-main/cli/commands/synth.js', 'dist/src-workers/tasks/synth-generate.task.js'];

/** Why the built CLI cannot be tested here, or undefined: a bundle missing or older than a source it holds. */
function whyNotBuilt(): string | undefined {
  for (const bundle of BUNDLES) {
    if (!existsSync(`${bundle}.map`)) return `${bundle} is not built (run npm run build)`;
    const { sources } = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] };
    const built = statSync(bundle).mtimeMs;
    const stale = sources.map((s) => resolve(dirname(bundle), s)).find((s) => statSync(s).mtimeMs > built);
    if (stale) return `${bundle} is older than ${relative('.', stale)} (run npm run build)`;
  }
  return undefined;
}

const dir = mkdtempSync(join(tmpdir(), 'owb-synth-built-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function owb(fromSource: boolean, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/owb.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1', OWB_FROM_SOURCE: fromSource ? '1' : '0' },
  });
  return { status: r.status, stderr: r.stderr };
}

describe('owb synth from dist/ (bundled)', { skip: whyNotBuilt() }, () => {
  it('writes byte for byte the dataset the sources write, on two threads, PNG and FITS', () => {
    for (const format of ['PNG', 'FITS']) {
      const config = join(dir, `${format}.yaml`);
      writeFileSync(
        config,
        `General: {n_train: 96, n_test: 32, image_size: 48, seed: 11}\nOutput: {image_format: ${format}, include_metadata: true}\n`,
      );
      const built = owb(false, 'synth', '--config', config, '--out', join(dir, `built-${format}`), '--workers', '2');
      assert.equal(built.status, 0, built.stderr);
      const source = owb(true, 'synth', '--config', config, '--out', join(dir, `source-${format}`), '--workers', '2');
      assert.equal(source.status, 0, source.stderr);
      const a = datasetFiles(join(dir, `built-${format}`));
      const b = datasetFiles(join(dir, `source-${format}`));
      assert.equal(a.size, 128 + 3, `${format}: images and CSVs`);
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
      for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${format}: ${path} differs`);
    }
  });

  it("says a user's mistake in one line with exit code 2", () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'General: {n_train: 0}\n');
    const bad = owb(false, 'synth', '--config', config, '--out', join(dir, 'never'));
    assert.equal(bad.status, 2, bad.stderr);
    assert.equal(bad.stderr, `owb: ${config}: General.n_train must be positive, got 0\n`);
    const missing = owb(false, 'synth', '--config', join(dir, 'nope.yaml'), '--out', join(dir, 'never'));
    assert.equal(missing.status, 2, missing.stderr);
    assert.equal(missing.stderr, `owb: ${join(dir, 'nope.yaml')}: no such file or folder\n`);
  });
});
