import { availableParallelism } from 'node:os';
import type { SynthConfig } from '../../../src-workers/core/synth/config.js';
import { sampleCount } from '../../../src-workers/core/synth/plan.js';
import { TaskThread } from '../pool/task-thread.js';

/**
 * Threads that render, encode and write images of a run, besides (or instead of) the calling thread.
 * Threads of their own rather than the worker pool: loading piscina costs ≈ 20 ms, which is what a
 * second thread saves on 2000 small images.
 */
export type SynthHelpers = Array<TaskThread<'synth-generate'>>;

/**
 * Threads `--workers auto` uses: all cores (up to 8) once there are images enough to pay for a helper
 * thread's start-up (≈ 40 ms before it draws its first image, while this thread draws from the start:
 * about 400 small parity images, or 100 larger ones; physical images take ≈ 30 ms each, so 8 are
 * enough), else this thread alone. Each thread renders, encodes and writes its own images, claiming them
 * from a shared cursor. Measured on 2 cores, 2000 images of 64² end to end: PNG 0.29 s on two threads
 * against 0.34 s on one; FITS (files four times larger) 0.31 s on both, as the file system's work on
 * one core slows the drawing on the other.
 */
export function autoWorkers(count: number, config?: SynthConfig): number {
  const all = Math.max(1, Math.min(availableParallelism(), 8));
  const mode = config?.General.mode ?? 'parity';
  if (mode === 'physical') return count >= 8 ? all : 1;
  return count >= ((config?.General.image_size ?? 64) > 128 ? 100 : 400) ? all : 1;
}

/**
 * Starts the helper threads a run of `config` uses: `workers` threads in all [auto], the calling thread
 * among them when `renderHere` [true]. They begin loading the generator at once. Kept apart from
 * run-synth.ts (and light to import) so that a caller can start them as soon as it knows the
 * configuration: their ≈ 80 ms of start-up then overlaps its own loading of the rest. Hand them to
 * `runSynth` with the same options; it uses and terminates them.
 */
export function startSynthHelpers(
  config: SynthConfig,
  options: { workers?: number; renderHere?: boolean } = {},
): SynthHelpers {
  const workers = Math.max(1, Math.floor(options.workers ?? autoWorkers(sampleCount(config), config)));
  const count = (options.renderHere ?? true) ? workers - 1 : workers;
  return Array.from({ length: count }, () => new TaskThread('synth-generate'));
}
