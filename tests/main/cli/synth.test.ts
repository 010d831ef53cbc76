import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { datasetFiles } from '../node/synth/dataset-files.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-synth-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function owb(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('owb synth', () => {
  it('rejects a bad configuration with exit 2 and a message naming the file and key', () => {
    const bad = writeConfig('bad.yaml', 'General:\n  n_train: 0\n  balance: 2\n');
    const r = owb('synth', '--config', bad, '--out', join(dir, 'never'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.yaml: 2 problems/);
    assert.match(r.stderr, /General\.n_train must be positive, got 0/);
    assert.match(r.stderr, /General\.balance must be at most 1 \(allowed \[0, 1\]\), got 2/);
  });

  it('requires --out and checks --workers', () => {
    const noOut = owb('synth', '--validate');
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out DIR is required/);
    const cfg = writeConfig('ok.yaml', 'General: {n_train: 4, n_test: 2, image_size: 32}\n');
    const r = owb('synth', '--config', cfg, '--out', dir, '--workers', '0');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--workers must be an integer in \[1, 256\] or 'auto', got '0'/);
  });

  it(
    'refuses an --out folder that cannot be created, at once and with exit 2',
    { skip: process.platform !== 'linux' && 'Linux only' },
    () => {
      // Node's own recursive mkdir never returns for this path (procfs answers ENOENT below /proc).
      const cfg = writeConfig('tiny.yaml', 'General: {n_train: 2, n_test: 0, image_size: 16}\n');
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src-main/cli/main.ts', 'synth', '--config', cfg, '--out', '/proc/owb-out'],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      assert.equal(r.error, undefined, 'owb synth did not return');
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: \/proc\/owb-out: cannot create this folder: \/proc cannot hold folders/);
    },
  );

  it('generates, logs to a file, validates, and reports a damaged dataset', () => {
    const cfg = writeConfig(
      'small.yaml',
      'General: {n_train: 12, n_test: 4, image_size: 32, seed: 3}\nLensArcs: {min_radius: 5, max_radius: 10}\nOutput: {include_metadata: true}\n',
    );
    const out = join(dir, 'ds');
    const log = join(dir, 'run.log');
    const r = owb('synth', '--config', cfg, '--out', out, '--workers', '1', '--log-file', log);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /synth: 16 images in .* \(16 written\)/);
    assert.match(readFileSync(log, 'utf8'), /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO synth: 16 images/m);
    assert.equal(readFileSync(join(out, 'train.csv'), 'utf8').trim().split('\n').length, 13);
    const ok = owb('synth', '--config', cfg, '--out', out, '--validate');
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /train: 12\/12 images, 6 lenses/);
    assert.match(ok.stdout, /valid: counts, balance, files and CSVs agree/);
    unlinkSync(join(out, 'test/lens/test_000001.png'));
    // Given only the set (no --config), --validate checks it against its snapshot and writes nothing.
    const bad = owb('synth', '--out', out, '--validate');
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /INVALID: 1 problem\(s\)\n {2}- test\/lens\/test_000001\.png: file is missing/);
    assert.equal(existsSync(join(out, 'test/lens/test_000001.png')), false);
    const again = owb('synth', '--config', cfg, '--out', out);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /\(1 written, 15 kept\)/);
  });

  it('writes byte-identical datasets with --workers 1 and --workers 2', () => {
    const cfg = writeConfig(
      'twin.yaml',
      'General: {n_train: 20, n_test: 6, image_size: 48, seed: 21}\nOutput: {include_metadata: true}\n',
    );
    const one = join(dir, 'twin-1');
    const two = join(dir, 'twin-2');
    assert.equal(owb('synth', '--config', cfg, '--out', one, '--workers', '1').status, 0);
    const r = owb('synth', '--config', cfg, '--out', two, '--workers', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /2 thread\(s\)/);
    const a = datasetFiles(one);
    const b = datasetFiles(two);
    assert.equal(a.size, 26 + 3);
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs`);
  });

  it('stops on Ctrl-C after the images being written (exit 130), and a re-run continues', async () => {
    // Large enough to take seconds, so that the interrupt lands mid-run.
    const cfg = writeConfig('interrupted.yaml', 'General: {n_train: 16000, n_test: 4000, image_size: 32, seed: 5}\n');
    const out = join(dir, 'interrupted');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'synth', '--config', cfg, '--out', out, '--log-level', 'debug'],
      { env: { ...process.env, CI: '1' } },
    );
    let stderr = '';
    let interrupting = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      // Logged just before the first image is drawn.
      if (/images planned/.test(stderr) && !interrupting) {
        interrupting = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    assert.match(stderr, /stopping after the images being written/);
    const cancelled = /cancelled with (\d+) of 20000 images written; run again into .* to continue/.exec(stderr);
    assert.ok(cancelled, stderr);
    const written = Number(cancelled[1]);
    assert.ok(written > 0 && written < 20000, `${written} written before the interrupt`);
    const again = owb('synth', '--config', cfg, '--out', out, '--workers', '2');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`20000 images in .* \\(${20000 - written} written, ${written} kept\\)`));
  });
});

describe('owb synth: the established command line', () => {
  // Runs from a working folder of its own, as a user would, so that relative paths land there.
  const cwd = join(dir, 'user');
  mkdirSync(join(cwd, 'configs'), { recursive: true });
  cpSync('configs/comprehensive.yaml', join(cwd, 'configs', 'comprehensive.yaml'));
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/esm/index.mjs')).href;
  const main = resolve('src-main/cli/main.ts');
  const owbIn = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['--import', tsx, main, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('runs `--config configs/comprehensive.yaml --out data --validate --log-level INFO` as written', () => {
    const r = owbIn(
      'synth',
      '--config',
      'configs/comprehensive.yaml',
      '--out',
      'data',
      '--validate',
      '--log-level',
      'INFO',
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // Generated, then validated.
    assert.match(r.stderr, /synth: 2000 images in .*data \(2000 written\)/);
    assert.match(r.stdout, /train: 1800\/1800 images, 900 lenses/);
    assert.match(r.stdout, /test: {2}200\/200 images, 100 lenses/);
    assert.match(r.stdout, /valid: counts, balance, files and CSVs agree/);
    const snapshot = JSON.parse(readFileSync(join(cwd, 'data', 'config_snapshot.json'), 'utf8'));
    assert.equal(snapshot.configFile, join(cwd, 'configs', 'comprehensive.yaml'));
    assert.equal(snapshot.generation_metadata.tool, 'owb synth');
    assert.ok(Date.parse(snapshot.generation_metadata.end_time) >= Date.parse(snapshot.generation_metadata.start_time));
  });

  it('without --config uses the documented defaults: the same bytes as configs/comprehensive.yaml', () => {
    const r = owbIn('synth', '--out', 'defaults', '--workers', '2');
    assert.equal(r.status, 0, r.stderr);
    const a = datasetFiles(join(cwd, 'data'));
    const b = datasetFiles(join(cwd, 'defaults'));
    assert.equal(a.size, 2000 + 2);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs`);
  });

  it('takes --log-level in any case, Python spellings included, and refuses others with exit 2', () => {
    const cfg = writeConfig('levels.yaml', 'General: {n_train: 4, n_test: 0, image_size: 16, seed: 2}\n');
    const quiet = owbIn('synth', '--config', cfg, '--out', 'lv', '--log-level', 'WARNING');
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /synth: 4 images/);
    const loud = owbIn('synth', '--config', cfg, '--out', 'lv', '--log-level', 'Debug');
    assert.equal(loud.status, 0, loud.stderr);
    assert.match(loud.stderr, /debug: configuration: /);
    assert.match(loud.stderr, /synth: 4 images .*\(0 written, 4 kept\)/);
    assert.equal(owbIn('synth', '--config', cfg, '--out', 'lv', '--log-level', 'error').status, 0);
    const bad = owbIn('synth', '--config', cfg, '--out', 'lv', '--log-level', 'loud');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^owb: --log-level must be one of DEBUG, INFO, WARNING, ERROR \(any case\), got 'loud'/);
  });

  it('creates the folder of --log-file', () => {
    const cfg = writeConfig('logged.yaml', 'General: {n_train: 2, n_test: 0, image_size: 16}\n');
    const r = owbIn('synth', '--config', cfg, '--out', 'logged', '--log-file', 'logs/nested/run.log');
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(cwd, 'logs/nested/run.log'), 'utf8'), / INFO synth: 2 images/);
  });

  it('--validate with a config completes a damaged set before checking it', () => {
    const cfg = writeConfig('fix.yaml', 'General: {n_train: 6, n_test: 2, image_size: 16, seed: 8}\n');
    assert.equal(owbIn('synth', '--config', cfg, '--out', 'fix').status, 0);
    unlinkSync(join(cwd, 'fix/train/lens/train_000001.png'));
    const r = owbIn('synth', '--config', cfg, '--out', 'fix', '--validate');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /\(1 written, 7 kept\)/);
    assert.match(r.stdout, /valid: counts, balance, files and CSVs agree/);
  });
});
