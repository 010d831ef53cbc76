// makeDirs: folders a user names (--out, a workspace, a watched tree) where Node's recursive mkdir
// would spin forever. Each case that could hang runs in a child process with a timeout, so a regression
// fails the test instead of stalling the suite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-make-dirs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs makeDirs(path) in a child with a 20 s limit: its error message, '' on success, or 'timed out'. */
function makeDirsInChild(path: string): string {
  const script = `import { makeDirs } from './src-workers/io/make-dirs.ts';
try { makeDirs(${JSON.stringify(path)}); } catch (error) { process.stdout.write(error.message); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error) return 'timed out';
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('makeDirs', () => {
  it('creates missing parents, and accepts a folder that is already there', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeDirs(deep);
    assert.ok(statSync(deep).isDirectory());
    makeDirs(deep);
    makeDirs(join(dir, 'a'));
    assert.ok(statSync(deep).isDirectory());
  });

  it('follows a link to a folder', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    makeDirs(join(dir, 'link', 'x', 'y'));
    assert.ok(existsSync(join(dir, 'real', 'x', 'y')));
  });

  it('names a file standing where a folder is needed', () => {
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => makeDirs(join(dir, 'file')), { code: 'EEXIST', path: join(dir, 'file') });
    assert.throws(() => makeDirs(join(dir, 'file', 'sub')), { code: 'ENOTDIR' });
  });

  it('says so, without hanging, below a link to nothing', () => {
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    assert.equal(
      makeDirsInChild(join(dir, 'dangling', 'out')),
      `${join(dir, 'dangling')}: cannot create this folder: it is a link to nothing`,
    );
  });

  it('says so, without hanging, under /proc', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
    assert.equal(
      makeDirsInChild('/proc/owb-test/out'),
      '/proc/owb-test: cannot create this folder: /proc cannot hold folders (a link to nothing, a stale mount, or a virtual file system such as /proc)',
    );
  });
});
