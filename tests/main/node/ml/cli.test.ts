// owb train / runs / score through the CLI: bad input exits 2 with one `owb:` line naming the file,
// Ctrl-C saves a checkpoint (exit 130) that --resume finishes, score's CSV equals the held-out scores
// recorded at training, and --db stores one score per transient candidate and model version.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { cubeHdu, encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { openDatabase } from '../../../../src-main/node/catalog/index.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-ml-cli-'));
const data = join(dir, 'set');
const ws = join(dir, 'ws');

function owb(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args, '--workspace', ws], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  const frame = simulateStarField({ widthPx: 200, heightPx: 200, starCount: 60, seed: 4 }).image;
  writeTripletSet(data, [frame], 80, 25, 9);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('owb train: bad input', () => {
  const cube = (planes: number, size: number): Uint8Array =>
    encodeFits([
      cubeHdu(
        size,
        size,
        Array.from({ length: planes }, () => new Float32Array(size * size).fill(1)),
      ),
    ]);
  const cases: [string, (d: string) => void, RegExp][] = [
    [
      'empty class folders',
      (d) => (mkdirSync(join(d, 'real')), mkdirSync(join(d, 'bogus'))),
      /no stamps in bogus\/ or real\//,
    ],
    [
      'a cube of 2 planes',
      (d) => writeFileSync(join(d, 'real', 'two.fits'), cube(2, 25)),
      /real\/two\.fits: a real\/bogus stamp is a cube of 3 planes/,
    ],
    [
      'a file that is not FITS',
      (d) => writeFileSync(join(d, 'real', 'notes.txt'), 'hello'),
      /real\/notes\.txt: not a FITS or PNG file/,
    ],
    [
      'a stamp of another size',
      (d) => writeFileSync(join(d, 'real', 'zz-big.fits'), cube(3, 31)),
      /real\/zz-big\.fits: is 31×31×3, the other stamps are 25×25×3/,
    ],
    [
      'a truncated FITS file',
      (d) => writeFileSync(join(d, 'bogus', 'cut.fits'), cube(3, 25).subarray(0, 4000)),
      /bogus\/cut\.fits: /,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`${name}: exit 2, one owb: line naming the file`, () => {
      const d = join(dir, `bad-${name.replace(/\W+/g, '-')}`);
      if (name === 'empty class folders') mkdirSync(d);
      else cpSync(data, d, { recursive: true });
      make(d);
      const r = owb(
        'train',
        '--task',
        'realbogus',
        '--data',
        d,
        '--out',
        join(d, '..', `run-${name.replace(/\W+/g, '-')}`),
      );
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^owb: /);
      assert.match(lines[0], message);
    });
  }

  it('a lens set without a lens/ folder says which class is missing', () => {
    const d = join(dir, 'onlylens');
    mkdirSync(join(d, 'nonlens'), { recursive: true });
    cpSync(join(data, 'real', 't000000.fits'), join(d, 'nonlens', 'a.fits'));
    const r = owb('train', '--task', 'lens', '--data', d, '--out', join(dir, 'run-onlylens'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^owb: .*no stamps of class 'lens'/);
  });
});

describe('owb train → runs → score', () => {
  it('Ctrl-C saves a checkpoint and exits 130; --resume finishes the run', async () => {
    const out = join(dir, 'sig');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'train',
        '--task',
        'realbogus',
        '--data',
        data,
        '--out',
        out,
        '--epochs',
        '10000',
        '--workspace',
        ws,
      ],
      { cwd: root },
    );
    let stderr = '';
    const code = await new Promise<number | null>((done) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        // After the first epoch's checkpoint, interrupt: whatever the machine's speed, 10000 epochs are not over.
        if (/epoch 1\/10000/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => done(c));
    });
    assert.equal(code, 130, stderr);
    assert.match(stderr, /checkpoint saved/);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status: string; epochs: unknown[] };
    assert.equal(run.status, 'interrupted');
    assert.ok(existsSync(join(out, 'checkpoint.json')));
    const again = owb(
      'train',
      '--task',
      'realbogus',
      '--data',
      data,
      '--out',
      out,
      '--resume',
      '--epochs',
      '2',
      '--json',
    );
    assert.equal(again.status, 0, again.stderr);
    const done = JSON.parse(again.stdout) as { status: string; epochs: unknown[] };
    assert.equal(done.status, 'finished');
    assert.equal(done.epochs.length, 2);
    // Without --resume an existing run is never overwritten.
    const refused = owb('train', '--task', 'realbogus', '--data', data, '--out', out);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /already holds a run; give --resume/);
  });

  it('lists runs, activates one, and scores a folder with the held-out scores recorded at training', () => {
    const out = join(dir, 'sig');
    const list = owb('runs', '--json');
    assert.equal(list.status, 0, list.stderr);
    const runs = JSON.parse(list.stdout) as { id: string; name: string; active: boolean }[];
    const run = runs.find((r) => r.name === 'sig')!;
    assert.ok(run && !run.active);
    assert.equal(owb('runs', 'activate', run.id.slice(0, 8), '--task', 'realbogus').status, 0);
    assert.match(owb('runs').stdout, /^\* +sig /m);
    assert.match(
      owb('runs', 'activate', 'sig', '--task', 'lens').stderr,
      /^owb: run 'sig' is a realbogus model, not lens/,
    );
    const csvFile = join(dir, 'scores.csv');
    const r = owb('score', '--data', data, '--task', 'realbogus', '--out', csvFile, '--threads', '2');
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'file,score');
    assert.equal(lines.length, 81);
    const scores = new Map(lines.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[1])]));
    const held = JSON.parse(readFileSync(join(out, 'heldout.json'), 'utf8')) as { files: string[]; scores: number[] };
    held.files.forEach((f, i) =>
      assert.ok(Math.abs(scores.get(f)! - held.scores[i]) <= 1e-5, `${f}: ${scores.get(f)} vs ${held.scores[i]}`),
    );
  });

  it('--db scores transient candidates from their frames and stores them with the model version', async () => {
    // Science, reference and difference frames holding triplet 0 at (40, 50), recorded as a transient candidate.
    const t = readFileSync(join(data, 'real', 't000000.fits'));
    const stampDir = join(dir, 'one', 'real');
    mkdirSync(stampDir, { recursive: true });
    writeFileSync(join(stampDir, 'c.fits'), t);
    const stamp = await Promise.all(
      [0, 1, 2].map(async (plane) => (await readFitsImage(join(stampDir, 'c.fits'), { plane })).image.data),
    );
    const planes = ['science', 'reference', 'difference'].map((name, k) => ({
      name,
      k,
      frame: new Float32Array(100 * 100),
    }));
    const paths: string[] = [];
    for (const { name, k, frame } of planes) {
      for (let y = 0; y < 25; y++)
        for (let x = 0; x < 25; x++) frame[(50 - 12 + y) * 100 + 40 - 12 + x] = stamp[k][y * 25 + x];
      const path = join(dir, `${name}.fits`);
      writeFileSync(path, encodeFits([imageHdu({ width: 100, height: 100, data: frame })]));
      paths.push(path);
    }
    const dbPath = join(dir, 'cat.sqlite');
    const db = openDatabase(dbPath);
    db.prepare("INSERT INTO candidates (kind, score, details_json, created_at) VALUES ('transient', 5, ?, 0)").run(
      JSON.stringify({ x: 40, y: 50, sciencePath: paths[0], referencePath: paths[1], differencePath: paths[2] }),
    );
    db.close();
    const r = owb('score', '--db', dbPath, '--threads', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 candidates scored by sig/);
    const viaData = owb('score', '--data', join(dir, 'one'), '--model', 'sig');
    const expected = Number(viaData.stdout.trim().split('\n')[1].split(',')[1]);
    const check = openDatabase(dbPath);
    const rows = check.prepare('SELECT candidate_id, model_version, score FROM model_scores').all() as {
      candidate_id: number;
      model_version: string;
      score: number;
    }[];
    check.close();
    assert.equal(rows.length, 1);
    assert.match(rows[0].model_version, /^[0-9a-f]{32}:2$/);
    // The stamp cut from the frames is the stamp itself: the same score (CSV has 6 significant digits).
    assert.ok(Math.abs(rows[0].score - expected) <= 1e-5, `${rows[0].score} vs ${expected}`);
    // A second pass finds nothing new for this model version.
    assert.match(owb('score', '--db', dbPath).stderr, /0 candidates scored/);
  });
});
