import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { datasetFiles } from './dataset-files.js';
import { validateSynthConfig, type SynthConfig } from '../../../../src-workers/core/synth/config.js';
import { parseCsv } from '../../../../src-main/node/synth/csv.js';
import { runSynth, STAGING_FOLDER, SynthCancelledError } from '../../../../src-main/node/synth/run-synth.js';
import { validateDataset } from '../../../../src-main/node/synth/validate.js';

const root = mkdtempSync(join(tmpdir(), 'owb-synth-'));
after(() => rmSync(root, { recursive: true, force: true }));

function configOf(overrides: Record<string, Record<string, unknown>> = {}): SynthConfig {
  const { config, errors } = validateSynthConfig({
    General: { n_train: 24, n_test: 8, image_size: 40, seed: 7, ...(overrides.General ?? {}) },
    LensArcs: { min_radius: 6, max_radius: 14 },
    Output: { include_metadata: true, ...(overrides.Output ?? {}) },
  });
  assert.deepEqual(errors, []);
  return config;
}

describe('runSynth', () => {
  it('writes the layout, CSVs, metadata and snapshot', async () => {
    const config = configOf();
    const out = join(root, 'layout');
    const summary = await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    assert.equal(summary.written, 32);
    const train = parseCsv(readFileSync(join(out, 'train.csv'), 'utf8'));
    const test = parseCsv(readFileSync(join(out, 'test.csv'), 'utf8'));
    assert.deepEqual(train[0], ['filepath', 'label']);
    assert.equal(train.length - 1, 24);
    assert.equal(test.length - 1, 8);
    assert.equal(train.slice(1).filter((r) => r[1] === '1').length, 12);
    assert.equal(test.slice(1).filter((r) => r[1] === '1').length, 4);
    for (const [path, label] of [...train.slice(1), ...test.slice(1)]) {
      assert.match(
        path,
        label === '1' ? /^(train|test)\/lens\/\1_\d{6}\.png$/ : /^(train|test)\/nonlens\/\1_\d{6}\.png$/,
      );
      assert.ok(statSync(join(out, path)).size > 100, `${path} missing or empty`);
    }
    assert.equal(readdirSync(join(out, 'train', 'lens')).length, 12);
    assert.equal(readdirSync(join(out, 'test', 'nonlens')).length, 4);
    const meta = parseCsv(readFileSync(join(out, 'metadata.csv'), 'utf8'));
    assert.equal(meta.length - 1, 32);
    const col = (name: string): number => meta[0].indexOf(name);
    for (const row of meta.slice(1)) {
      const lens = row[col('label')] === '1';
      const radius = Number(row[col('einstein_radius_px')]);
      const sigma = Number(row[col('gal_sigma_px')]);
      assert.ok(sigma >= 2 && sigma <= 6, `galaxy sigma ${sigma}`);
      if (lens) {
        assert.ok(radius >= 6 && radius <= 14, `radius ${radius}`);
        const n = Number(row[col('n_arcs')]);
        assert.ok(n >= 1 && n <= 3);
        assert.equal(row[col('arc_widths_px')].split(';').length, n);
        // The established generator's columns: every arc's radius (here all on the Einstein ring).
        assert.deepEqual(row[col('arc_radii')].split(';').map(Number), Array(n).fill(radius));
      } else assert.equal(row[col('arc_radii')], '');
      assert.equal(Number(row[col('galaxy_sigma')]), sigma);
      assert.equal(row[col('random_seed')], row[col('seed')]);
      const filename = row[col('filename')];
      assert.equal(filename, row[col('filepath')].split('/').at(-1));
      assert.ok(existsSync(join(out, row[col('filepath')])) && filename.endsWith('.png'));
    }
    const snapshot = JSON.parse(readFileSync(join(out, 'config_snapshot.json'), 'utf8'));
    // One generation time for the set: the snapshot's end time, in both spellings.
    const times = new Set(meta.slice(1).map((row) => row[col('generation_time')]));
    assert.deepEqual([...times], [snapshot.generation_metadata.end_time]);
    assert.equal(snapshot.finishedAt, snapshot.generation_metadata.end_time);
    assert.match(snapshot.generation_metadata.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Date.parse(snapshot.generation_metadata.start_time) <= Date.parse(snapshot.generation_metadata.end_time));
    assert.deepEqual(
      [snapshot.generation_metadata.tool, snapshot.generation_metadata.tool_version],
      ['owb synth', 'test'],
    );
    assert.equal(snapshot.generation_metadata.platform, `${process.platform}-${process.arch}`);
    assert.equal(snapshot.generation_metadata.node_version, process.version);
    assert.equal(snapshot.status, 'complete');
    assert.deepEqual(snapshot.config, config);
    assert.equal(snapshot.nodeVersion, process.version);
    assert.equal(snapshot.toolVersion, 'test');
    assert.ok(Date.parse(snapshot.startedAt) <= Date.parse(snapshot.finishedAt));
    assert.deepEqual((await validateDataset(config, out)).problems, []);
  });

  for (const format of ['PNG', 'FITS'] as const) {
    it(`writes byte-identical ${format} datasets with 1 and 2 workers`, async () => {
      const config = configOf({ Output: { image_format: format } });
      const one = join(root, `w1-${format}`);
      const two = join(root, `w2-${format}`);
      await runSynth({ config, outDir: one, workers: 1, toolVersion: 'test' });
      await runSynth({ config, outDir: two, workers: 2, toolVersion: 'test' });
      const a = datasetFiles(one);
      const b = datasetFiles(two);
      assert.equal(a.size, 32 + 3);
      assert.deepEqual([...a.keys()], [...b.keys()]);
      for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs between 1 and 2 workers`);
    });
  }

  it('writes byte-identical physical-mode FITS with 1 and 2 workers, headers in real units', async () => {
    const { config } = validateSynthConfig({
      General: { n_train: 4, n_test: 2, image_size: 32, mode: 'physical' },
      Output: { image_format: 'FITS' },
    });
    const one = join(root, 'phys-1');
    const two = join(root, 'phys-2');
    await runSynth({ config, outDir: one, workers: 1, toolVersion: 'test' });
    await runSynth({ config, outDir: two, workers: 2, toolVersion: 'test' });
    const a = datasetFiles(one);
    const b = datasetFiles(two);
    assert.equal(a.size, 6 + 2);
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs between 1 and 2 workers`);
    const header = a
      .get(join('train', 'lens', 'train_000001.fits'))!
      .subarray(0, 2880)
      .toString('latin1');
    assert.match(header, /BUNIT {3}= 'adu/);
    assert.match(header, /EXPTIME =\s+600/);
    assert.match(header, /LABEL {3}=\s+1/);
    assert.deepEqual((await validateDataset(config, one)).problems, []);
  });

  it('writes absolute CSV paths, a flat layout and greyscale JPEGs when asked', async () => {
    const config = configOf({ Output: { relative_paths: false, create_class_subdirs: false, image_format: 'JPEG' } });
    const out = join(root, 'flat-jpeg');
    await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    const rows = parseCsv(readFileSync(join(out, 'train.csv'), 'utf8')).slice(1);
    assert.equal(rows.length, 24);
    assert.equal(rows[3][0], join(out, 'train', 'train_000003.jpg'));
    assert.deepEqual(readdirSync(join(out, 'train')).length, 24);
    const { default: sharp } = await import('sharp');
    const meta = await sharp(rows[3][0]).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 40, 40, 1]);
    assert.deepEqual((await validateDataset(config, out)).problems, []);
  });

  it('resumes: keeps whole images, rewrites missing and truncated ones, removes temporary files', async () => {
    const config = configOf();
    const out = join(root, 'resume');
    await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    const before = datasetFiles(out);
    unlinkSync(join(out, 'train/lens/train_000003.png'));
    truncateSync(join(out, 'test/nonlens/test_000002.png'), 50);
    writeFileSync(join(out, 'train/lens/train_000005.png.123-0.tmp'), 'partial');
    rmSync(join(out, 'train.csv'));
    const summary = await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    assert.deepEqual([summary.written, summary.reused, summary.repaired], [2, 30, 1]);
    const afterTree = datasetFiles(out);
    assert.deepEqual([...afterTree.keys()], [...before.keys()]);
    for (const [path, bytes] of before) assert.ok(bytes.equals(afterTree.get(path)!), `${path} changed on resume`);
    const snapshot = JSON.parse(readFileSync(join(out, 'config_snapshot.json'), 'utf8'));
    assert.equal(snapshot.runs.length, 2);
  });

  it('reports progress in order up to the total with 2 threads', async () => {
    const config = configOf({ General: { n_train: 60, n_test: 20 } });
    const seen: number[] = [];
    await runSynth({
      config,
      outDir: join(root, 'progress'),
      workers: 2,
      toolVersion: 'test',
      onProgress: (done) => seen.push(done),
    });
    assert.equal(seen.at(-1), 80);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress went back: ${seen.join(',')}`);
  });

  it('stops on its signal with what is written staged, and a re-run completes the same dataset', async () => {
    const config = configOf({ General: { n_train: 120, n_test: 40 } });
    const whole = join(root, 'cancel-whole');
    const out = join(root, 'cancelled');
    await runSynth({ config, outDir: whole, workers: 1, toolVersion: 'test' });
    const stop = new AbortController();
    let seenAtAbort = 0;
    await assert.rejects(
      runSynth({
        config,
        outDir: out,
        workers: 2,
        toolVersion: 'test',
        signal: stop.signal,
        onProgress: (done) => {
          if (done >= 1 && !stop.signal.aborted) {
            seenAtAbort = done;
            stop.abort();
          }
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof SynthCancelledError, String(error));
        // Each thread finishes the images it had claimed (16 at a time), no more.
        assert.ok(error.written >= seenAtAbort && error.written < 160, `${error.written} written`);
        assert.match(error.message, /run again into .* to continue/);
        return true;
      },
    );
    assert.equal(existsSync(join(out, 'train.csv')), false, 'a cancelled run wrote the CSVs');
    assert.ok(existsSync(join(out, STAGING_FOLDER)), 'the staged images are gone');
    const summary = await runSynth({ config, outDir: out, workers: 2, toolVersion: 'test' });
    assert.equal(summary.written + summary.reused, 160);
    assert.ok(summary.reused >= seenAtAbort, `${summary.reused} kept of ${seenAtAbort} written before the cancel`);
    const a = datasetFiles(whole);
    const b = datasetFiles(out);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs after cancel and resume`);
  });

  it('renders on helper threads alone when not renderHere (a server keeps its event loop free)', async () => {
    const config = configOf();
    const here = join(root, 'render-here');
    const away = join(root, 'render-away');
    const mine = await runSynth({ config, outDir: here, workers: 1, toolVersion: 'test' });
    assert.equal(mine.writtenHere, 32);
    const summary = await runSynth({ config, outDir: away, workers: 1, renderHere: false, toolVersion: 'test' });
    assert.deepEqual([summary.workers, summary.written, summary.writtenHere], [1, 32, 0]);
    const a = datasetFiles(here);
    const b = datasetFiles(away);
    for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs off the calling thread`);
  });

  it('resumes an interrupted run from its staging folder, rewriting the image it was cutting short', async () => {
    const config = configOf({ Output: { image_format: 'FITS' } });
    const out = join(root, 'interrupted');
    await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    const before = datasetFiles(out);
    // As a run stopped mid-way leaves it: some images still staged (one cut off after its header
    // block, which a size test alone would pass), the rest not written, no CSVs.
    const staged = join(out, STAGING_FOLDER, 'train', 'lens');
    mkdirSync(staged, { recursive: true });
    for (const name of ['train_000001.fits', 'train_000003.fits'])
      renameSync(join(out, 'train/lens', name), join(staged, name));
    truncateSync(join(staged, 'train_000003.fits'), 2880);
    unlinkSync(join(out, 'test/nonlens/test_000002.fits'));
    rmSync(join(out, 'train.csv'));
    const summary = await runSynth({ config, outDir: out, workers: 2, toolVersion: 'test' });
    assert.deepEqual([summary.written, summary.reused, summary.repaired], [2, 30, 0]);
    const afterTree = datasetFiles(out);
    assert.deepEqual([...afterTree.keys()], [...before.keys()]);
    for (const [path, bytes] of before) assert.ok(bytes.equals(afterTree.get(path)!), `${path} changed on resume`);
    assert.equal(existsSync(join(out, STAGING_FOLDER)), false, 'the staging folder is left behind');
  });

  it('fails naming the file that cannot be written, stops the other thread and shows no image in the dataset', async () => {
    const config = configOf({ General: { n_train: 60, n_test: 20 } });
    const out = join(root, 'unwritable');
    // A folder where an image should be written: writing it fails.
    mkdirSync(join(out, STAGING_FOLDER, 'train', 'lens', 'train_000003.png'), { recursive: true });
    await assert.rejects(runSynth({ config, outDir: out, workers: 2, toolVersion: 'test' }), /train_000003\.png/);
    let staged = 0;
    for (const folder of ['train/lens', 'train/nonlens', 'test/lens', 'test/nonlens']) {
      assert.deepEqual(readdirSync(join(out, folder)), [], `${folder} shows images of a failed run`);
      staged += readdirSync(join(out, STAGING_FOLDER, folder)).filter((n) => n.endsWith('.png')).length;
    }
    assert.ok(staged < 79, `the other thread went on after the failure (${staged} images written)`);
    const snapshot = JSON.parse(readFileSync(join(out, 'config_snapshot.json'), 'utf8'));
    assert.notEqual(snapshot.status, 'complete');
  });

  it('fails naming the image that cannot be moved into the dataset, and keeps the staged images', async () => {
    const config = configOf();
    const out = join(root, 'unpublishable');
    await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    // A folder where a repaired image must go.
    unlinkSync(join(out, 'train/lens/train_000003.png'));
    mkdirSync(join(out, 'train/lens/train_000003.png', 'x'), { recursive: true });
    await assert.rejects(
      runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' }),
      /cannot move train\/lens\/train_000003\.png into/,
    );
    assert.ok(existsSync(join(out, STAGING_FOLDER, 'train/lens/train_000003.png')));
  });

  it('refuses to resume into a dataset made with another configuration', async () => {
    const out = join(root, 'mismatch');
    await runSynth({ config: configOf(), outDir: out, workers: 1, toolVersion: 'test' });
    await assert.rejects(
      runSynth({ config: configOf({ General: { seed: 8 } }), outDir: out, workers: 1, toolVersion: 'test' }),
      /different configuration \(General\.seed: 7 there, 8 now\)/,
    );
  });

  it('validation finds missing files, stray files, wrong labels and broken images', async () => {
    const config = configOf();
    const out = join(root, 'validate');
    await runSynth({ config, outDir: out, workers: 1, toolVersion: 'test' });
    unlinkSync(join(out, 'train/lens/train_000001.png'));
    writeFileSync(join(out, 'train/nonlens/extra.png'), 'x');
    truncateSync(join(out, 'test/lens/test_000001.png'), 100);
    const csv = readFileSync(join(out, 'test.csv'), 'utf8').replace(
      'test/nonlens/test_000000.png,0',
      'test/nonlens/test_000000.png,1',
    );
    writeFileSync(join(out, 'test.csv'), csv);
    const { problems, found } = await validateDataset(config, out);
    assert.equal(found.train, 24);
    assert.equal(found.testLens, 5);
    const expect = [
      /train\/lens\/train_000001\.png: file is missing/,
      /train\/nonlens\/extra\.png is on disk but in neither CSV/,
      /test\/lens\/test_000001\.png: PNG is truncated/,
      /test\.csv line 2: test\/nonlens\/test_000000\.png has label 1, its plan says 0/,
      /test\.csv has 5 lenses, balance 0\.5 asks for 4/,
    ];
    for (const re of expect)
      assert.ok(
        problems.some((p) => re.test(p)),
        `no problem matching ${re}: ${JSON.stringify(problems)}`,
      );
    assert.equal(problems.length, expect.length, JSON.stringify(problems));
  });
});
