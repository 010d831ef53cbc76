import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeFileError, isUserFileError } from '../../../src-main/common/file-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-file-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The error a real file-system call throws (never a hand-made object: the wording must fit Node's). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

function owb(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  return { status: r.status, stderr: r.stderr };
}

describe('file errors in plain words', () => {
  const file = join(dir, 'a-file.txt');
  writeFileSync(file, 'x');

  it('says which path is missing, a file or a folder', () => {
    const missing = join(dir, 'nope.yaml');
    const error = thrownBy(() => readFileSync(missing));
    assert.equal(describeFileError(error), `${missing}: no such file or folder`);
    assert.ok(isUserFileError(error));
  });

  it('tells a file where a folder is needed from a path through a file', () => {
    assert.equal(
      describeFileError(thrownBy(() => mkdirSync(file, { recursive: true }))),
      `${file}: exists and is not a folder`,
    );
    assert.equal(describeFileError(thrownBy(() => readdirSync(file))), `${file}: is not a folder`);
    assert.equal(
      describeFileError(thrownBy(() => readFileSync(join(file, 'inside')))),
      `${join(file, 'inside')}: a part of this path is not a folder`,
    );
    assert.equal(describeFileError(thrownBy(() => openSync(dir, 'w'))), `${dir}: is a folder, where a file is needed`);
    // Reading an open folder fails without naming it: Node's own message stays.
    assert.equal(describeFileError(thrownBy(() => readFileSync(dir))), undefined);
  });

  it('names the source of a failed rename', () => {
    const gone = join(dir, 'gone');
    assert.equal(
      describeFileError(thrownBy(() => renameSync(gone, join(dir, 'b')))),
      `${gone}: no such file or folder`,
    );
  });

  it('leaves other errors to their own message', () => {
    assert.equal(describeFileError(new Error('boom')), undefined);
    assert.equal(describeFileError(new RangeError('x')), undefined);
    assert.ok(!isUserFileError(new Error('boom')));
  });

  it('owb prints them as one line and exits 2', () => {
    const missing = owb('synth', '--config', join(dir, 'nope.yaml'), '--out', join(dir, 'out'));
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `owb: ${join(dir, 'nope.yaml')}: no such file or folder\n`);

    const config = join(dir, 'tiny.yaml');
    writeFileSync(config, 'General: {n_train: 2, n_test: 2}\n');
    const outIsFile = owb('synth', '--config', config, '--out', file);
    assert.equal(outIsFile.status, 2);
    assert.equal(outIsFile.stderr, `owb: ${file}: exists and is not a folder\n`);
  });
});
