import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

// Issue 25 (newcomer traps): the README's first session left cat.csv, masters/, stack.fits … as untracked
// files in the repository root. It now starts in a scratch folder that git ignores; this runs the block
// as written (each `npx owb` through bin/owb.js on the sources) and checks what a newcomer would see.
const repo = resolve(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

/** The shell commands of the README's "A first session" block, continuation lines joined, comments cut. */
function firstSessionCommands(): string[] {
  const section = readme.slice(readme.indexOf('### A first session'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README has no ```sh block under "### A first session"');
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

const git = (...args: string[]) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
const noGit = git('rev-parse', '--is-inside-work-tree').stdout.trim() !== 'true';

describe("the README's first session (issue 25)", () => {
  const commands = firstSessionCommands();

  it('starts by moving into a scratch folder that git ignores', { skip: noGit && 'not a git checkout' }, () => {
    const first = /^mkdir -p (\S+) && cd (\S+)$/.exec(commands[0] ?? '');
    assert.ok(first && first[1] === first[2], `first command is not 'mkdir -p DIR && cd DIR': ${commands[0]}`);
    const probe = git('check-ignore', '-q', `${first[1]}/cat.csv`);
    assert.equal(probe.status, 0, `${first[1]}/ is not ignored by .gitignore`);
    assert.ok(!commands.slice(1).some((c) => /(^|\s)cd\s/.test(c)), 'a later command leaves the scratch folder');
  });

  it('runs as written in that folder and writes only there', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'owb-readme-'));
    after(() => rmSync(scratch, { recursive: true, force: true }));
    const statusBefore = noGit ? '' : git('status', '--porcelain').stdout;
    // `npx owb` resolves to this package's bin; `owb serve` runs until its URL is printed, then stops.
    const script = [
      'set -e',
      `bin=${JSON.stringify(join(repo, 'bin', 'owb.js'))}`,
      'owb() { node "$bin" "$@"; }',
      // node itself in the background (not a subshell), so the SIGTERM reaches serve's handler.
      'serve_once() { node "$bin" serve "$@" > serve.url 2> serve.log & pid=$!; for _ in $(seq 600); do grep -q "token=" serve.url && break; sleep 0.1; done; kill -TERM $pid; wait $pid; }',
      ...commands.slice(1).map((c) => c.replace(/^npx owb serve /, 'serve_once ').replace(/^npx owb /, 'owb ')),
    ].join('\n');
    const run = spawnSync('bash', ['-c', script], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, OWB_FROM_SOURCE: '1', CI: '1' },
      timeout: 480_000,
    });
    assert.equal(run.status, 0, `${run.stderr}\n${run.stdout}`);

    const out = `${run.stdout}\n${run.stderr}`;
    assert.match(out, /3 real frames, 15 simulated frames/);
    assert.match(out, /\d+ sources in light_V_001\.fits → cat\.csv/);
    assert.match(out, /6 of 6 lights calibrated/);
    assert.match(out, /6 of 6 frames → stack\.fits/);
    assert.match(out, /owb: 18 rows/);
    for (const made of [
      'cat.csv',
      'cat.reg',
      'masters/master_flat_V.fits',
      'stack.fits',
      'diff.fits',
      'transients.csv',
    ])
      assert.ok(existsSync(join(scratch, made)), `${made} was not written in the scratch folder`);
    assert.match(readFileSync(join(scratch, 'serve.url'), 'utf8'), /^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n$/);
    if (!noGit) assert.equal(git('status', '--porcelain').stdout, statusBefore, 'the session changed the checkout');
  });
});
