// owb train --task realbogus --db: curated labels in the catalog (accept → real, reject → bogus) on
// transient candidates, stamps cut from the science, reference and difference frames recorded with them.
// Truth: generated triplets pasted into frames; the catalog route must give exactly the stamps, labels,
// split and weights of the same triplets given as a folder, and the dataset hash follows the labels.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import type { Triplet } from '../../../../src-workers/ml/triplets.js';
import { openDatabase, type SqliteDatabase } from '../../../../src-main/node/catalog/index.js';
import { stamp } from '../../../../src-main/node/api/frame-images.js';
import { cutStamp } from '../../../../src-main/node/ml/candidate-stamps.js';
import { loadCatalogDataset } from '../../../../src-main/node/ml/catalog-dataset.js';
import { loadDataset } from '../../../../src-main/node/ml/dataset.js';
import { loadModel, scoreCandidates, scoreFolder } from '../../../../src-main/node/ml/score-run.js';
import { runTraining } from '../../../../src-main/node/ml/train-run.js';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-ml-train-db-'));
const data = join(dir, 'set');
const ws = join(dir, 'ws');
const dbPath = join(dir, 'cat.sqlite');
const SIZE = 25;
const COUNT = 96;
const COLS = 12;
const settings = { epochs: 2, batchSize: 16, chunkSize: 8, learningRate: 2e-3, seed: 3, augment: true };

let triplets: Triplet[];
/** Candidate id of triplet i. */
const candidateOf = new Map<number, number>();

function label(db: SqliteDatabase, candidateId: number, value: string, undone = false): void {
  db.prepare(
    'INSERT INTO labels (candidate_id, label, note, who, created_at, undone_at) VALUES (?, ?, NULL, ?, ?, ?)',
  ).run(candidateId, value, 'test', Date.now(), undone ? Date.now() : null);
}

before(() => {
  const frames = [21, 22].map(
    (seed) => simulateStarField({ widthPx: 240, heightPx: 240, starCount: 80, seed, skyAdu: 800 }).image,
  );
  triplets = writeTripletSet(data, frames, COUNT, SIZE, 7);
  // Paste triplet k (in the folder's order: bogus/ then real/, by name) into grid cell k of three frames.
  const order = [...triplets.keys()].sort((a, b) => triplets[a].label - triplets[b].label || a - b);
  const width = COLS * SIZE;
  const height = Math.ceil(COUNT / COLS) * SIZE;
  const planes = [0, 1, 2].map(() => new Float32Array(width * height));
  order.forEach((i, k) => {
    const t = triplets[i];
    const x0 = (k % COLS) * SIZE;
    const y0 = Math.floor(k / COLS) * SIZE;
    [t.science, t.reference, t.difference].forEach((p, c) => {
      for (let y = 0; y < SIZE; y++) planes[c].set(p.subarray(y * SIZE, (y + 1) * SIZE), (y0 + y) * width + x0);
    });
  });
  const paths = ['science', 'reference', 'difference'].map((name, c) => {
    const path = join(dir, `${name}.fits`);
    writeFileSync(path, encodeFits([imageHdu({ width, height, data: planes[c] })]));
    return path;
  });
  const db = openDatabase(dbPath);
  const insert = db.prepare(
    "INSERT INTO candidates (kind, score, details_json, created_at) VALUES ('transient', 5, ?, 0)",
  );
  const details = (k: number, overrides: Record<string, unknown> = {}): string =>
    JSON.stringify({
      x: (k % COLS) * SIZE + (SIZE - 1) / 2,
      y: Math.floor(k / COLS) * SIZE + (SIZE - 1) / 2,
      sciencePath: paths[0],
      referencePath: paths[1],
      differencePath: paths[2],
      ...overrides,
    });
  order.forEach((i, k) => {
    const id = Number(insert.run(details(k)).lastInsertRowid);
    candidateOf.set(i, id);
    const t = triplets[i];
    if (k % 5 === 0) {
      // Decided the other way first, then corrected: the latest decision counts.
      label(db, id, t.label ? 'reject' : 'accept');
      label(db, id, t.label ? 'accept' : 'reject');
    } else if (k % 7 === 0) {
      // The right label, then a wrong one that was undone.
      label(db, id, t.label ? 'accept' : 'reject');
      label(db, id, t.label ? 'reject' : 'accept', true);
    } else label(db, id, t.label ? 'accept' : 'reject');
  });
  // Not used: a class label, an unlabelled candidate, one whose reference file is gone, and a detection.
  label(db, Number(insert.run(details(0)).lastInsertRowid), 'class:4');
  insert.run(details(1));
  label(db, Number(insert.run(details(2, { referencePath: join(dir, 'gone.fits') })).lastInsertRowid), 'accept');
  const detection = db
    .prepare("INSERT INTO candidates (kind, score, details_json, created_at) VALUES ('detection', 5, NULL, 0)")
    .run();
  label(db, Number(detection.lastInsertRowid), 'accept');
  db.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('owb train --db (curated transient candidates → real/bogus)', () => {
  it('cuts stamps as the curation view does (same pixels, odd and even sizes, at the edges)', () => {
    const width = 37;
    const height = 29;
    const image = { width, height, data: Float32Array.from({ length: width * height }, (_, i) => i * 0.5 - 7) };
    for (const size of [5, 6, 25])
      for (const [x, y] of [
        [0, 0],
        [3.4, 20.6],
        [36, 28],
        [18.5, 14.49],
        [-2, 40],
      ]) {
        const ours = cutStamp(image, x, y, size);
        const curation = stamp(image, x, y, size).data;
        assert.deepEqual(Array.from(ours), Array.from(curation), `size ${size} at (${x}, ${y})`);
      }
  });

  it('reads the current accept/reject labels with the stamps of the same triplets as a folder', async () => {
    const db = openDatabase(dbPath);
    const fromDb = await loadCatalogDataset(db, SIZE);
    db.close();
    const fromDir = await loadDataset(data, 'realbogus');
    assert.equal(fromDb.skipped, 1, 'the candidate whose reference is gone');
    assert.equal(fromDb.ignoredLabels, 1, 'the class label');
    assert.deepEqual(fromDb.counts, fromDir.counts);
    assert.equal(fromDb.set.count, COUNT);
    assert.deepEqual(Array.from(fromDb.set.labels), Array.from(fromDir.set.labels));
    // Cut from the frames and normalised: the same floats as the FITS cubes, bit for bit.
    assert.deepEqual(
      Buffer.from(fromDb.set.data.buffer, 0, COUNT * 3 * SIZE * SIZE * 4),
      Buffer.from(fromDir.set.data.buffer, 0, COUNT * 3 * SIZE * SIZE * 4),
    );
    const ids = [...triplets.keys()].sort((a, b) => triplets[a].label - triplets[b].label || a - b);
    assert.deepEqual(
      fromDb.files,
      ids.map((i) => `candidate:${candidateOf.get(i)}`),
    );
  });

  it('trains through the CLI to the weights of the same triplets as a folder; the hash follows the labels', async () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'train',
        '--task',
        'realbogus',
        '--db',
        dbPath,
        '--stamp',
        String(SIZE),
        '--out',
        join(dir, 'run-db'),
        '--epochs',
        String(settings.epochs),
        '--batch',
        String(settings.batchSize),
        '--lr',
        String(settings.learningRate),
        '--seed',
        String(settings.seed),
        '--threads',
        '2',
        '--json',
        '--workspace',
        ws,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /96 labelled candidates; 1 left out \(frames unreadable\); 1 with class labels/);
    const viaDb = JSON.parse(r.stdout) as { dataset: { hash: string; layout: string; split: unknown; dir: string } };
    assert.equal(viaDb.dataset.layout, 'catalog');
    assert.equal(viaDb.dataset.dir, dbPath);
    const viaDir = await runTraining({
      task: 'realbogus',
      dataDir: data,
      outDir: join(dir, 'run-dir'),
      workspace: ws,
      settings,
      threads: 1,
    });
    assert.deepEqual(viaDb.dataset.split, viaDir.dataset.split);
    const weights = (run: string): string =>
      (JSON.parse(readFileSync(join(dir, run, 'model.json'), 'utf8')) as { params: string }).params;
    assert.equal(weights('run-db'), weights('run-dir'));

    // Same labels, same hash; one decision changed, another hash.
    const db = openDatabase(dbPath);
    assert.equal((await loadCatalogDataset(db, SIZE)).hash, viaDb.dataset.hash);
    const first = candidateOf.get([...triplets.keys()].find((i) => triplets[i].label === 1)!)!;
    label(db, first, 'reject');
    const changed = await loadCatalogDataset(db, SIZE);
    db.close();
    assert.notEqual(changed.hash, viaDb.dataset.hash);
    assert.equal(changed.counts.bogus, viaDir.dataset.counts.bogus + 1);
  });

  it('refuses a catalog with no curated candidates, lens with --db, and an even --stamp', () => {
    const empty = join(dir, 'empty.sqlite');
    openDatabase(empty).close();
    const owb = (...args: string[]): { status: number | null; stderr: string } =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'train', ...args, '--workspace', ws], {
        cwd: root,
        encoding: 'utf8',
      });
    const none = owb('--task', 'realbogus', '--db', empty, '--out', join(dir, 'r1'));
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^owb: .*empty\.sqlite: no transient candidate is labelled accept or reject/);
    assert.match(owb('--task', 'lens', '--db', dbPath, '--out', join(dir, 'r2')).stderr, /give --task realbogus/);
    assert.match(
      owb('--task', 'realbogus', '--db', dbPath, '--stamp', '24', '--out', join(dir, 'r3')).stderr,
      /--stamp must be odd/,
    );
  });
});

describe('owb score --db with an even stamp size', () => {
  it('cuts the same pixels as the stamp file (the old cut indexed half pixels and scored blank stamps)', async () => {
    const even = join(dir, 'even');
    const frame = simulateStarField({ widthPx: 200, heightPx: 200, starCount: 60, seed: 5 }).image;
    writeTripletSet(even, [frame], 40, 24, 2);
    await runTraining({
      task: 'realbogus',
      dataDir: even,
      outDir: join(dir, 'run-even'),
      workspace: ws,
      settings: { ...settings, epochs: 1 },
      threads: 1,
    });
    const model = loadModel(ws, join(dir, 'run-even'), 'realbogus');
    // Triplet 0 pasted into three 100×100 frames with its first pixel at (30, 40): centre (30 + 12, 40 + 12).
    const file = join(even, 'one', 'real', 'c.fits');
    mkdirSync(dirname(file), { recursive: true });
    const source = readdirSync(join(even, 'real')).sort()[0];
    copyFileSync(join(even, 'real', source), file);
    const planes = await Promise.all([0, 1, 2].map(async (plane) => (await readFitsImage(file, { plane })).image.data));
    const paths = ['science', 'reference', 'difference'].map((name, k) => {
      const data = new Float32Array(100 * 100);
      for (let y = 0; y < 24; y++) data.set(planes[k].subarray(y * 24, (y + 1) * 24), (40 + y) * 100 + 30);
      const path = join(even, `${name}.fits`);
      writeFileSync(path, encodeFits([imageHdu({ width: 100, height: 100, data })]));
      return path;
    });
    const db = openDatabase(join(dir, 'even.sqlite'));
    db.prepare("INSERT INTO candidates (kind, score, details_json, created_at) VALUES ('transient', 5, ?, 0)").run(
      JSON.stringify({ x: 42, y: 52, sciencePath: paths[0], referencePath: paths[1], differencePath: paths[2] }),
    );
    const fromDb = await scoreCandidates(db, model, 1);
    db.close();
    const fromFile = await scoreFolder(join(even, 'one'), model, 1);
    assert.equal(fromDb.rows.length, 1);
    assert.ok(
      Math.abs(fromDb.rows[0].score - fromFile.scores[0]) <= 1e-6,
      `${fromDb.rows[0].score} vs ${fromFile.scores[0]}`,
    );
  });
});
