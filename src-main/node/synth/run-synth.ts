import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../../src-workers/core/errors.js';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { labelAt, layoutFolders, planSample, sampleCount } from '../../../src-workers/core/synth/plan.js';
import type { TaskProgress } from '../../common/task-contract.js';
import type { SynthGenerateInput, SynthGenerateOutput } from '../../common/tasks/synth.js';
import { taskFile } from '../pool/task-file.js';
import { metadataCsv, splitCsv } from './csv.js';
import { quickCheckImage, writeTextAtomic } from './files.js';
import { silentLogger, type Logger } from './log.js';
import { firstDifference, readSnapshot, startSnapshot, writeSnapshot, type SynthSnapshot } from './snapshot.js';

export interface SynthRunOptions {
  config: SynthConfig;
  outDir: string;
  /** Generator threads: this one plus N − 1 pool workers (1 = no pool start-up). [auto] */
  workers?: number;
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
  /** Whole images found from an earlier run and kept. */
  reused: number;
  /** Images found broken (truncated, unreadable) and rewritten. */
  repaired: number;
  workers: number;
  seconds: number;
}

/**
 * Threads `--workers auto` uses. Small parity images (≤ 128², ≈ 0.1 ms of CPU each) are bound by file
 * creation, whose kernel work runs on libuv's threads: one generator thread keeps them busy and a second
 * only competes for the cores (measured on 2 cores: 1 thread as fast or faster). Larger parity images
 * and physical ones (ray-traced, supersampled, PSF-convolved: ≈ 30 ms each) use all cores (up to 8) once
 * there are enough of them to pay for the pool's start-up (≈ 50–100 ms).
 */
export function autoWorkers(count: number, config?: SynthConfig): number {
  const all = Math.max(1, Math.min(availableParallelism(), 8));
  const mode = config?.General.mode ?? 'parity';
  if (mode === 'physical') return count >= 8 ? all : 1;
  if (mode === 'parity' && (config?.General.image_size ?? 64) > 128) return count >= 100 ? all : 1;
  return 1;
}

/**
 * Generates (or completes) the dataset of `config` in `outDir`: layout folders, one image per index written
 * atomically, `train.csv`, `test.csv`, optional `metadata.csv`, and `config_snapshot.json`. Re-running into
 * the same folder keeps the images that are whole, rewrites missing or broken ones, and refuses a folder
 * made with a different configuration. Output bytes do not depend on `workers`.
 */
export async function runSynth(options: SynthRunOptions): Promise<SynthRunSummary> {
  const started = Date.now();
  const { config } = options;
  const log = options.logger ?? silentLogger;
  const outDir = resolve(options.outDir);
  const total = sampleCount(config);
  const workers = Math.max(1, Math.floor(options.workers ?? autoWorkers(total, config)));
  mkdirSync(outDir, { recursive: true });
  for (const folder of layoutFolders(config)) mkdirSync(join(outDir, folder), { recursive: true });

  const previous = readSnapshot(outDir);
  if (previous) {
    const diff = firstDifference(config, previous.config);
    if (diff) {
      throw new InputError(
        'SYNTH_MISMATCH',
        `${outDir} holds a dataset made with a different configuration (${diff}); choose another --out or remove it`,
      );
    }
    log.info(`resuming the dataset in ${outDir} (started ${previous.startedAt}, ${previous.status})`);
  }
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
  await generate(config, outDir, missing, workers, (done) => options.onProgress?.(reused + done, total));

  writeTextAtomic(join(outDir, 'train.csv'), splitCsv(config, outDir, 'train'));
  writeTextAtomic(join(outDir, 'test.csv'), splitCsv(config, outDir, 'test'));
  if (config.Output.include_metadata) writeTextAtomic(join(outDir, 'metadata.csv'), metadataCsv(config, outDir));
  snapshot.runs = [...snapshot.runs, { startedAt, workers, written: missing.length, reused, repaired }];
  snapshot.status = 'complete';
  snapshot.finishedAt = new Date().toISOString();
  writeSnapshot(outDir, snapshot);
  return { outDir, total, written: missing.length, reused, repaired, workers, seconds: (Date.now() - started) / 1000 };
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

/** Lists what an earlier run left: whole images are kept, broken ones and temporary files are removed. */
function scanExisting(
  config: SynthConfig,
  outDir: string,
  log: Logger,
): { missing: number[]; reused: number; repaired: number } {
  const present = new Set<string>();
  for (const folder of layoutFolders(config)) {
    for (const name of readdirSync(join(outDir, folder))) {
      const rel = folder ? `${folder}/${name}` : name;
      if (name.endsWith('.tmp')) {
        unlinkSync(join(outDir, rel));
        log.debug(`removed the leftover temporary file ${rel}`);
      } else present.add(rel);
    }
  }
  const missing: number[] = [];
  let reused = 0;
  let repaired = 0;
  const total = sampleCount(config);
  for (let i = 0; i < total; i++) {
    const plan = planSample(config, i);
    if (!present.has(plan.relPath)) {
      missing.push(i);
      continue;
    }
    const problem = quickCheckImage(join(outDir, plan.relPath), config.Output.image_format);
    if (problem) {
      log.warn(`${plan.relPath}: ${problem}; writing it again`);
      missing.push(i);
      repaired++;
    } else reused++;
  }
  return { missing, reused, repaired };
}

type TaskModule = { default: (input: SynthGenerateInput) => Promise<SynthGenerateOutput> };

/**
 * Renders `indices` on `threads` threads: this one (running the task module in-process, loaded by file
 * name) plus `threads − 1` pool workers, all pulling chunks from one queue. Which thread renders which
 * image does not matter: every image depends only on the configuration and its index.
 */
async function generate(
  config: SynthConfig,
  outDir: string,
  indices: number[],
  threads: number,
  onDone: (done: number) => void,
): Promise<void> {
  if (indices.length === 0) return;
  const task = (await import(pathToFileURL(taskFile('synth-generate')).href)) as TaskModule;
  const chunkSize =
    threads <= 1 ? indices.length : Math.max(16, Math.min(200, Math.ceil(indices.length / (threads * 8))));
  const chunks: number[][] = [];
  for (let at = 0; at < indices.length; at += chunkSize) chunks.push(indices.slice(at, at + chunkSize));
  let finished = 0;
  const inFlight = new Map<number[], number>();
  const report = (): void => {
    let sum = finished;
    for (const done of inFlight.values()) sum += done;
    onDone(sum);
  };
  const track = (chunk: number[], done: number): void => {
    inFlight.set(chunk, done);
    report();
  };
  const complete = (chunk: number[]): void => {
    inFlight.delete(chunk);
    finished += chunk.length;
    report();
  };
  const inline = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const current = chunk;
      // The task's progress reporter only needs something with postMessage.
      const progressPort = { postMessage: (p: TaskProgress) => track(current, p.done) };
      await task.default({ config, outDir, indices: current, progressPort } as SynthGenerateInput);
      complete(current);
      // Let pool results and the progress bar through between chunks.
      await new Promise((r) => setImmediate(r));
    }
  };
  if (threads <= 1) {
    await inline();
    return;
  }
  const { WorkerPool } = await import('../pool/worker-pool.js');
  const pool = new WorkerPool({ threads: threads - 1 });
  const worker = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const current = chunk;
      await pool.run(
        'synth-generate',
        { config, outDir, indices: current },
        { onProgress: (p) => track(current, p.done) },
      );
      complete(current);
    }
  };
  try {
    await Promise.all([inline(), ...Array.from({ length: threads - 1 }, worker)]);
  } finally {
    await pool.destroy();
  }
}

/** True when `outDir` already holds a snapshot (a dataset or the start of one). */
export function hasDataset(outDir: string): boolean {
  return existsSync(join(outDir, 'config_snapshot.json'));
}
