import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const repo = resolve(import.meta.dirname, '..', '..', '..');

/** Starts `owb serve` with the given arguments in `cwd`, waits for its URL line, stops it with SIGTERM. */
async function serveOnce(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number | string | null }> {
  // tsx resolved from the repository, not from cwd (which is deliberately somewhere else).
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(repo, 'src-main', 'cli', 'main.ts'), 'serve', '--port', '0', ...args],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let stopping = false; // one SIGTERM: serve's handler stops listening after the first, a second would kill it
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!stopping && /http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(stdout)) {
      stopping = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  // A signal instead of an exit code means the SIGTERM found no handler (the shutdown was not clean).
  const code = await new Promise<number | string | null>((done) => child.on('exit', (c, signal) => done(c ?? signal)));
  clearTimeout(timer);
  return { stdout, stderr, code };
}

describe('owb serve without --workspace (issue 25: newcomer defaults)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'owb-serve-default-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const home = join(scratch, 'home');
  const cwd = join(scratch, 'somewhere-else');
  mkdirSync(home);
  mkdirSync(cwd);
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, CI: '1' };
  delete baseEnv.OWB_WORKSPACE;

  it('opens $XDG_DATA_HOME/observatory-workbench/workspace, says so, and leaves the working directory alone', async () => {
    const xdg = join(scratch, 'xdg-data');
    const run = await serveOnce([], cwd, { ...baseEnv, XDG_DATA_HOME: xdg });
    const expected = join(xdg, 'observatory-workbench', 'workspace');
    assert.match(run.stdout, /http:\/\/127\.0\.0\.1:\d+\/\?token=/, run.stderr);
    assert.ok(run.stderr.includes(`using the default workspace ${expected}`), run.stderr);
    assert.ok(existsSync(join(expected, 'catalog.db')), `no catalog.db in ${expected}`);
    assert.deepEqual(readdirSync(cwd), [], 'serve wrote into its working directory');
    assert.equal(run.code, 0, run.stderr);
  });

  it('falls back to ~/.local/share/observatory-workbench/workspace without XDG_DATA_HOME', async () => {
    const env = { ...baseEnv };
    delete env.XDG_DATA_HOME;
    const run = await serveOnce([], cwd, env);
    const expected = join(home, '.local', 'share', 'observatory-workbench', 'workspace');
    assert.ok(run.stderr.includes(`using the default workspace ${expected}`), run.stderr);
    assert.ok(existsSync(join(expected, 'catalog.db')));
    assert.deepEqual(readdirSync(cwd), []);
    assert.equal(run.code, 0, run.stderr);
  });

  it('keeps an explicit --workspace and does not print the default', async () => {
    const ws = join(scratch, 'mine');
    const run = await serveOnce(['--workspace', ws], cwd, { ...baseEnv, XDG_DATA_HOME: join(scratch, 'unused') });
    assert.ok(existsSync(join(ws, 'catalog.db')));
    assert.doesNotMatch(run.stderr, /default workspace/);
    assert.equal(existsSync(join(scratch, 'unused')), false);
    assert.deepEqual(readdirSync(cwd), []);
    assert.equal(run.code, 0, run.stderr);
  });
});
