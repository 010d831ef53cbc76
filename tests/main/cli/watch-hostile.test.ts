// Issue 25: `owb watch --once` terminates on every file of a hostile folder (an empty file, a truncated
// FITS, a symbolic-link loop, an unreadable file and folder), reports each and exits 3 as --help promises.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { after, describe, it } from 'node:test';
import { frameBytes, writeFrame } from '../node/watch/frames.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-watch-hostile-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs `owb` (as `nobody` when `asNobody`, so that permissions hold even for root); a hang fails the test. */
function owb(args: string[], asNobody = false) {
  const node = [process.execPath, '--import', 'tsx', 'src-main/cli/main.ts', ...args];
  const [cmd, ...rest] = asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${root}`, ...node]
    : node;
  return spawnSync(cmd, rest, { cwd: repo, encoding: 'utf8', timeout: 90_000, killSignal: 'SIGKILL' });
}

function hostileFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'empty.fits'), '');
  const whole = frameBytes({ seed: 5, size: 64 });
  writeFileSync(join(dir, 'truncated.fits'), whole.subarray(0, 2880 + 1000)); // header, then part of the data
  symlinkSync('.', join(dir, 'loop'));
  writeFrame(join(dir, 'good.fits'), { seed: 6, size: 16 });
  return dir;
}

describe('owb watch --once on a hostile folder', () => {
  it('terminates, reports the empty file, fails the truncated one, and exits 3', () => {
    const dir = hostileFolder('h1');
    const r = owb(['watch', dir, '--db', join(root, 'h1.db'), '--once']);
    assert.equal(r.signal, null, `owb watch --once did not terminate (killed by ${r.signal}); stderr: ${r.stderr}`);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`owb: watch: ${join(dir, 'empty.fits')}: gave up: empty file \\(0 bytes\\)`));
    // The good frame is done, the truncated one is a failed job (a half-copied FITS fails, as --help says).
    assert.match(r.stdout, /^done 1, failed 1, queued 0, running 0, files given up 1$/m);
  });

  it('as an unprivileged user, also reports an unreadable file and skips an unreadable sub-folder', (t) => {
    const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
    if (probe.status !== 0) {
      t.skip('setpriv cannot switch to user nobody here; permissions cannot be tested as root');
      return;
    }
    const dir = hostileFolder('h2');
    writeFileSync(join(dir, 'secret.fits'), readFileSync(join(dir, 'good.fits')));
    chmodSync(join(dir, 'secret.fits'), 0o000);
    mkdirSync(join(dir, 'locked'));
    writeFrame(join(dir, 'locked', 'inside.fits'), { seed: 7, size: 16 });
    chmodSync(join(dir, 'locked'), 0o000);
    chmodSync(root, 0o777);
    chmodSync(dir, 0o777);
    // A watched folder that cannot be opened at all fails alone; the other one is still processed.
    const lockedRoot = join(root, 'h2-locked-root');
    mkdirSync(lockedRoot);
    chmodSync(lockedRoot, 0o000);
    const r = owb(['watch', dir, lockedRoot, '--db', join(root, 'h2.db'), '--once'], true);
    assert.equal(r.signal, null, `owb watch --once did not terminate (killed by ${r.signal}); stderr: ${r.stderr}`);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(dir, 'secret.fits')}: gave up: .*permission denied`));
    assert.match(r.stderr, new RegExp(`owb: watch: ${dir}: skipped locked: .*permission denied`));
    assert.match(r.stderr, new RegExp(`owb: watch: folder failed: ${lockedRoot}: permission denied`));
    assert.match(r.stdout, /^done 1, failed 1, queued 0, running 0, files given up 2, folders failed 1$/m);
  });

  it('watching (not --once), a looped folder is reported and the other folder keeps processing', async () => {
    const looped = join(root, 'w-looped');
    const good = join(root, 'w-good');
    mkdirSync(looped);
    mkdirSync(good);
    symlinkSync('.', join(looped, 'loop'));
    const db = join(root, 'w.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'watch', looped, good, '--db', db],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const until = async (what: string, predicate: () => boolean): Promise<void> => {
        const start = Date.now();
        while (!predicate()) {
          if (child.exitCode !== null)
            throw new Error(`owb watch exited (${child.exitCode}) before ${what}: ${stderr}`);
          if (Date.now() - start > 60_000) throw new Error(`timed out waiting for ${what}: ${stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until('watching', () => stdout.includes('watching '));
      await until('the loop reported', () => /folder failed: .*symbolic-link loop at loop/.test(stderr));
      writeFrame(join(good, 'a.fits'), { seed: 8, size: 16 });
      const done = (): number => {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (d.prepare("SELECT count(*) AS n FROM jobs WHERE state = 'done'").get() as { n: number }).n;
        } finally {
          d.close();
        }
      };
      await until('the good folder processed a frame', () => done() === 1);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
  });
});
