import { existsSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { labelAt, layoutFolders, planSample, sampleCount } from '../../../src-workers/core/synth/plan.js';
import type { TaskProgress } from '../../common/task-contract.js';
import type { SynthGenerateInput, SynthGenerateOutput } from '../../common/tasks/synth.js';
import { taskFile } from '../pool/task-file.js';
import { metadataCsv, splitCsv } from './csv.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';
import { quickCheckImage } from './files.js';
import { silentLogger, type Logger } from './log.js';
import { completeSnapshot, resumableSnapshot, startSnapshot, writeSnapshot, type SynthSnapshot } from './snapshot.js';
import { startSynthHelpers, type SynthHelpers } from './synth-threads.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export interface SynthRunOptions {
  config: SynthConfig;
  outDir: string;
  /** Generator threads: this one and N − 1 helpers, or N helpers when not `renderHere`. [auto] */
  workers?: number;
  /**
   * Render on the calling thread too [true]. A server passes false: its event loop then stays free for
   * requests, and `workers` threads of their own draw every image.
   */
  renderHere?: boolean;
  /**
   * Helper threads the caller started already (`startSynthHelpers`), so that their start-up overlapped
   * its own; they replace the ones `workers` would start. The run uses and terminates them.
   */
  helpers?: SynthHelpers;
  /**
   * Stops the run once the images being drawn are written: those stay staged, the run rejects with a
   * `SynthCancelledError`, and running again into the same folder continues from there.
   */
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (done: number, total: number) => void;
  configFile?: string;
  toolVersion: string;
}

export interface SynthRunSummary {
  outDir: string;
  total: number;
  /** Images rendered by this run. */
  written: number;
  /** Of those, the images drawn on the calling thread (none when not `renderHere`). */
  writtenHere: number;
  /** Whole images found from an earlier run and kept. */
  reused: number;
  /** Images found broken (truncated, unreadable) and rewritten. */
  repaired: number;
  workers: number;
  seconds: number;
}

/**
 * The hidden folder, inside the output folder, where a run writes its images (in the dataset's layout)
 * before they are moved into place. Images are written straight into it, without a temporary file and
 * a rename each (which cost a third of the time of a small image); whole folders move into the dataset
 * when every image is written, so the dataset's folders never show a half-written image.
 */
export const STAGING_FOLDER = '.owb-partial';

/** What a run stopped by its `signal` rejects with. */
export class SynthCancelledError extends Error {
  readonly code = 'CANCELLED';
  constructor(
    readonly written: number,
    readonly total: number,
    outDir: string,
  ) {
    super(`cancelled with ${written} of ${total} images written; run again into ${outDir} to continue`);
    this.name = 'SynthCancelledError';
  }
}

/**
 * Generates (or completes) the dataset of `config` in `outDir`: layout folders, one image per index,
 * `train.csv`, `test.csv`, optional `metadata.csv`, and `config_snapshot.json`. Images are written into
 * `STAGING_FOLDER` and moved into the layout folders when all are written. Re-running into the same
 * folder keeps the images that are whole (in place or staged), rewrites missing or broken ones, and
 * refuses a folder made with a different configuration. Output bytes do not depend on `workers`.
 */
export async function runSynth(options: SynthRunOptions): Promise<SynthRunSummary> {
  const started = Date.now();
  const { config } = options;
  const outDir = resolve(options.outDir);
  const total = sampleCount(config);
  const renderHere = options.renderHere ?? true;
  const staging = join(outDir, STAGING_FOLDER);
  // Threads take ≈ 80 ms to start and load the task: let that overlap this thread's set-up.
  const helpers = options.helpers ?? startSynthHelpers(config, options);
  for (const thread of helpers) {
    // Loads the kernels and encoders now. A failure here shows again in the real run; don't let it go
    // unhandled meanwhile.
    thread.run({ config, outDir: staging, indices: [] }).catch(() => undefined);
  }
  const workers = helpers.length + (renderHere ? 1 : 0);
  try {
    if (workers === 0) throw new Error('runSynth: no thread to render on (renderHere is false and no helpers)');
    return await generateDataset(options, outDir, staging, total, workers, helpers, renderHere, started);
  } finally {
    await Promise.all(helpers.map((thread) => thread.terminate()));
  }
}

async function generateDataset(
  options: SynthRunOptions,
  outDir: string,
  staging: string,
  total: number,
  workers: number,
  helpers: SynthHelpers,
  renderHere: boolean,
  started: number,
): Promise<SynthRunSummary> {
  const { config } = options;
  const log = options.logger ?? silentLogger;
  makeDirs(outDir);
  for (const folder of layoutFolders(config)) {
    makeDirs(join(outDir, folder));
    makeDirs(join(staging, folder));
  }

  const previous = resumableSnapshot(outDir, config);
  if (previous) log.info(`resuming the dataset in ${outDir} (started ${previous.startedAt}, ${previous.status})`);
  const startedAt = new Date(started).toISOString();
  const snapshot = startSnapshot({
    toolVersion: options.toolVersion,
    startedAt,
    previous,
    configFile: options.configFile,
    seedDerivation:
      'image i uses deriveSeed(General.seed, i) (SplitMix32 mix) as the seed of xoshiro128**; training images are 0 … n_train−1, test images follow',
    counts: countsOf(config),
    config,
  });
  writeSnapshot(outDir, snapshot);

  const { missing, reused, repaired } = scanExisting(config, outDir, log);
  log.debug(`${total} images planned, ${reused} already whole, ${missing.length} to write, ${workers} thread(s)`);
  options.onProgress?.(reused, total);
  const { written, writtenHere } = await generate(
    config,
    staging,
    missing,
    helpers,
    renderHere,
    options.signal,
    (done) => options.onProgress?.(reused + done, total),
  );
  if (written < missing.length) throw new SynthCancelledError(reused + written, total, outDir);
  publish(config, staging, outDir);
  // Every image is in place: the set's generation time, in metadata.csv and the snapshot alike.
  const finishedAt = new Date().toISOString();

  writeFileAtomicUnsynced(join(outDir, 'train.csv'), splitCsv(config, outDir, 'train'));
  writeFileAtomicUnsynced(join(outDir, 'test.csv'), splitCsv(config, outDir, 'test'));
  if (config.Output.include_metadata)
    writeFileAtomicUnsynced(join(outDir, 'metadata.csv'), metadataCsv(config, outDir, finishedAt));
  snapshot.runs = [...snapshot.runs, { startedAt, workers, written: missing.length, reused, repaired }];
  completeSnapshot(snapshot, finishedAt);
  writeSnapshot(outDir, snapshot);
  log.debug(`${writtenHere} images drawn on this thread, ${written - writtenHere} on ${helpers.length} helper(s)`);
  const seconds = (Date.now() - started) / 1000;
  return { outDir, total, written: missing.length, writtenHere, reused, repaired, workers, seconds };
}

function countsOf(config: SynthConfig): SynthSnapshot['counts'] {
  const lenses = (n: number): number => {
    let c = 0;
    for (let i = 0; i < n; i++) c += labelAt(i, n, config.General.balance);
    return c;
  };
  return {
    train: config.General.n_train,
    test: config.General.n_test,
    trainLens: lenses(config.General.n_train),
    testLens: lenses(config.General.n_test),
  };
}

/**
 * Lists what earlier runs left, in the dataset's folders and in the staging folder: whole images are kept
 * (a staged copy of an image already in place is dropped), broken ones and temporary files are removed
 * from the count and written again.
 */
function scanExisting(
  config: SynthConfig,
  outDir: string,
  log: Logger,
): { missing: number[]; reused: number; repaired: number } {
  const staging = join(outDir, STAGING_FOLDER);
  const placed = new Set<string>();
  const staged = new Set<string>();
  for (const folder of layoutFolders(config)) {
    for (const [root, found] of [
      [outDir, placed],
      [staging, staged],
    ] as const) {
      for (const name of readdirSync(join(root, folder))) {
        const rel = folder ? `${folder}/${name}` : name;
        if (name.endsWith('.tmp')) {
          unlinkSync(join(root, rel));
          log.debug(`removed the leftover temporary file ${rel}`);
        } else found.add(rel);
      }
    }
  }
  const total = sampleCount(config);
  // A new dataset (nothing placed or staged yet) needs no per-image check.
  if (placed.size === 0 && staged.size === 0)
    return { missing: Array.from({ length: total }, (_, i) => i), reused: 0, repaired: 0 };
  const missing: number[] = [];
  let reused = 0;
  let repaired = 0;
  const format = config.Output.image_format;
  for (let i = 0; i < total; i++) {
    const { relPath } = planSample(config, i);
    const inPlace = placed.has(relPath) ? quickCheckImage(join(outDir, relPath), format) : 'missing';
    if (inPlace === undefined) {
      if (staged.has(relPath)) unlinkSync(join(staging, relPath));
      reused++;
      continue;
    }
    const inStaging = staged.has(relPath) ? quickCheckImage(join(staging, relPath), format) : 'missing';
    if (inStaging === undefined) {
      reused++;
      continue;
    }
    missing.push(i);
    if (inPlace !== 'missing') {
      log.warn(`${relPath}: ${inPlace}; writing it again`);
      repaired++;
    } else if (inStaging !== 'missing') log.debug(`${relPath} (staged): ${inStaging}; writing it again`);
  }
  return { missing, reused, repaired };
}

/**
 * Moves the staged images into the dataset's folders: a whole folder at once where its place is still
 * empty (one rename, and the folder's images appear together), else image by image, each replacing the
 * broken file it repairs. Then removes the staging folder.
 */
function publish(config: SynthConfig, staging: string, outDir: string): void {
  for (const folder of layoutFolders(config)) {
    const from = join(staging, folder);
    const to = join(outDir, folder);
    if (folder && readdirSync(to).length === 0) {
      try {
        renameSync(from, to);
        continue;
      } catch {
        // Some systems do not rename onto an empty folder: move the images one by one.
      }
    }
    for (const name of readdirSync(from)) {
      const rel = folder ? `${folder}/${name}` : name;
      if (!statSync(join(from, name)).isFile()) continue;
      try {
        renameSync(join(from, name), join(to, name));
      } catch (error) {
        throw new Error(`cannot move ${rel} into ${outDir}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  rmSync(staging, { recursive: true, force: true });
}

type TaskModule = { default: (input: SynthGenerateInput) => Promise<SynthGenerateOutput> };

/**
 * Renders `indices` on this thread (running the task module in-process, loaded by file name) when
 * `renderHere`, and on the `helpers`' threads. All claim images from one shared cursor, so this thread
 * starts at once and the helpers join as soon as they are free, without waiting on each other. Which
 * thread renders which image does not matter: every image depends only on the configuration and its
 * index. Returns how many images were written: all of them, unless `signal` stopped the run.
 */
async function generate(
  config: SynthConfig,
  outDir: string,
  indices: number[],
  helpers: SynthHelpers,
  renderHere: boolean,
  signal: AbortSignal | undefined,
  onDone: (done: number) => void,
): Promise<{ written: number; writtenHere: number }> {
  if (indices.length === 0 || signal?.aborted) return { written: 0, writtenHere: 0 };
  const cursor = new SharedArrayBuffer(8);
  const shared = new Int32Array(cursor);
  let done = 0;
  // Progress comes from every thread through the shared count; reports may arrive out of order.
  const track = (p: TaskProgress): void => {
    if (p.done > done) onDone((done = p.done));
  };
  const input = { config, outDir, indices, cursor };
  // Moving the cursor past the end stops every thread after its current image: on a failure, so the
  // others stop too, and on cancel.
  const stopAll = (): void => void Atomics.store(shared, 0, indices.length);
  const stopOthers = (error: unknown): never => {
    stopAll();
    throw error;
  };
  signal?.addEventListener('abort', stopAll, { once: true });
  // A helper with nothing left to claim is stopped at once: its thread winds down (≈ 5 ms) while this
  // one finishes its last images and writes the CSVs.
  const runs: Array<Promise<unknown>> = helpers.map((thread) =>
    thread.run(input, { onProgress: track }).then(() => void thread.terminate(), stopOthers),
  );
  let writtenHere = 0;
  if (renderHere) {
    // The task's progress reporter only needs something with postMessage.
    const progressPort = { postMessage: track };
    const own = async (): Promise<void> => {
      const task = (await import(pathToFileURL(taskFile('synth-generate')).href)) as TaskModule;
      writtenHere = (await task.default({ ...input, progressPort } as SynthGenerateInput)).written;
    };
    runs.push(own().catch(stopOthers));
  }
  try {
    const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    signal?.removeEventListener('abort', stopAll);
  }
  const written = Atomics.load(shared, 1);
  onDone(written);
  return { written, writtenHere };
}

/** True when `outDir` already holds a snapshot (a dataset or the start of one). */
export function hasDataset(outDir: string): boolean {
  return existsSync(join(outDir, 'config_snapshot.json'));
}
