import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { loadProfile } from '../../../../src-main/node/pipeline/profile.js';

describe('named environments: profiles that extend another', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'owb-envs-')));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  write(
    'base.yaml',
    [
      'patterns: ["*.fits"]',
      'steps:',
      '  stats: true',
      '  detect: { threshSigma: 3, minAreaPx: 5 }',
      '  photometry: { radiusPx: 4, annulusPx: [8, 12] }',
      'jobs: { maxAttempts: 3, timeoutMs: 60000 }',
      'outputs: { dir: shared-out }',
    ].join('\n'),
  );

  it('dev, test and prod inherit the base and change only what they say', () => {
    const dev = loadProfile(write('dev.yaml', 'extends: base\nsteps:\n  detect: { threshSigma: 5 }\n'));
    assert.equal(dev.name, 'dev');
    assert.deepEqual(dev.patterns, ['*.fits']);
    assert.deepEqual(dev.steps.detect, { threshSigma: 5, minAreaPx: 5 }, 'mappings merge key by key');
    assert.deepEqual(dev.steps.photometry, { radiusPx: 4, annulusPx: [8, 12] });
    assert.equal(dev.steps.stats, true);
    assert.equal(dev.outputs.dir, join(dir, 'shared-out'), "the base's relative path stays relative to the base");

    const test = loadProfile(
      write('test.yaml', 'extends: dev\nname: ci\npatterns: ["*.fit"]\nsteps: { photometry: false }\n'),
    );
    assert.equal(test.name, 'ci');
    assert.deepEqual(test.patterns, ['*.fit'], 'lists are replaced');
    assert.equal(test.steps.photometry, false, 'false switches an inherited step off');
    assert.equal((test.steps.detect as { threshSigma: number }).threshSigma, 5, 'two levels deep');

    const prod = loadProfile(
      write('prod.yaml', 'extends: base.yaml\njobs: { maxAttempts: 6 }\noutputs: { dir: /srv/owb }\n'),
    );
    assert.deepEqual(prod.jobs, { maxAttempts: 6, timeoutMs: 60000 });
    assert.equal(prod.outputs.dir, '/srv/owb');
    assert.equal(prod.steps.liveStack, false);
  });

  it('a cycle, a missing parent and a bad extends are errors naming the file', () => {
    write('a.yaml', 'extends: b\n');
    write('b.yaml', 'extends: a\n');
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'a.yaml'), /a\.yaml: extends: a cycle \(a\.yaml → b\.yaml → a\.yaml\)/],
      [write('orphan.yaml', 'extends: nowhere\n'), /orphan\.yaml: extends: .*nowhere\.yaml: cannot read \(ENOENT\)/],
      [write('odd.yaml', 'extends: [base]\n'), /odd\.yaml: extends: must name a profile/],
      [
        write('child.yaml', 'extends: base\nsteps: { detect: { threshSigma: -1 } }\n'),
        /child\.yaml: steps\.detect\.threshSigma/,
      ],
    ];
    for (const [path, message] of cases) {
      assert.throws(
        () => loadProfile(path),
        (e: unknown) => e instanceof InputError && e.code === 'PROFILE_INVALID' && message.test(e.message),
        path,
      );
    }
  });
});
