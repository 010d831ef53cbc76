import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseSimpleYaml } from '../../../../src-main/node/synth/simple-yaml.js';

describe('parseSimpleYaml', () => {
  it('agrees with the yaml package on every shipped configuration', () => {
    const files = readdirSync('configs').filter((f) => f.endsWith('.yaml'));
    assert.ok(files.includes('comprehensive.yaml'));
    for (const f of files) {
      const text = readFileSync(join('configs', f), 'utf8');
      const simple = parseSimpleYaml(text);
      if (simple !== undefined) assert.deepEqual(simple, parse(text), f);
    }
    assert.notEqual(parseSimpleYaml(readFileSync('configs/comprehensive.yaml', 'utf8')), undefined);
  });

  const same = [
    'General:\n  n_train: 10\n  seed: 3 # comment\n',
    'General: {n_train: 4, n_test: 2, image_size: 32}\nOutput: {image_format: FITS}\n',
    '# header\n\nNoise:\n    gaussian_sigma: 1.5e-2\n    poisson_strength: -0.0\nGeneral:\n',
    "Output:\n  image_format: 'JPEG'\n  include_metadata: True\n  relative_paths: false\n",
    'General:\n  balance: .5\n  mode: physical\n',
    'General: {}\n',
    'Injection:\n  frames_dir: ../data/night-1\n  psf: moffat\n',
    'Injection: {frames_dir: /data/frames}\n',
  ];
  for (const text of same) {
    it(`parses like the yaml package: ${JSON.stringify(text.slice(0, 40))}`, () => {
      const simple = parseSimpleYaml(text);
      assert.notEqual(simple, undefined, 'should be in the subset');
      assert.deepEqual(simple, parse(text));
    });
  }

  const outside = [
    'General:\n  n_train: 0x10\n',
    'General:\n  seed: 010\n',
    'General:\n  list:\n    - 1\n',
    'General: &a\n  n_train: 3\n',
    'General:\n  n_train: .inf\n',
    'General:\n\tn_train: 3\n',
    'General:\n  a: 1\n   b: 2\n',
    'General:\n  a: "x\\ty"\n',
    'General:\n  a: 1\n  a: 2\n',
  ];
  for (const text of outside) {
    it(`leaves odd input to the full parser: ${JSON.stringify(text)}`, () => {
      assert.equal(parseSimpleYaml(text), undefined);
    });
  }
});
