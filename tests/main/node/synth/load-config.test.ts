import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSynthConfig } from '../../../../src-main/node/synth/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-synth-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadSynthConfig', () => {
  it('loads the shipped configurations without complaint', async () => {
    const c = await loadSynthConfig('configs/comprehensive.yaml');
    assert.equal(c.General.n_train, 1800);
    assert.equal((await loadSynthConfig('configs/physical.yaml')).General.mode, 'physical');
    const inj = await loadSynthConfig('configs/injection.yaml');
    assert.match(inj.Injection.frames_dir, /\/data\/frames$/);
  });

  it('names the file when the YAML is malformed, and every bad key', async () => {
    await assert.rejects(
      loadSynthConfig(file('broken.yaml', 'General:\n  n_train: [1, 2\n')),
      /broken\.yaml: not valid YAML/,
    );
    await assert.rejects(
      loadSynthConfig(file('bad.yaml', 'General:\n  n_train: 0\nOutput:\n  image_format: GIF\n')),
      /bad\.yaml: 2 problems:\n {2}General\.n_train must be positive, got 0\n {2}Output\.image_format must be one of PNG, JPEG, FITS, got 'GIF'/,
    );
  });

  it('resolves Injection.frames_dir against the configuration file and requires it in injection mode', async () => {
    const c = await loadSynthConfig(file('inj.yaml', 'General: {mode: injection}\nInjection: {frames_dir: frames}\n'));
    assert.equal(c.Injection.frames_dir, join(dir, 'frames'));
    await assert.rejects(
      loadSynthConfig(file('inj2.yaml', 'General: {mode: injection}\n')),
      /Injection\.frames_dir is required when General\.mode is injection/,
    );
  });

  it('reads JSON as well', async () => {
    const c = await loadSynthConfig(file('c.json', JSON.stringify({ General: { n_train: 5, seed: 9 } })));
    assert.deepEqual([c.General.n_train, c.General.seed], [5, 9]);
  });
});
