import type { Result } from './result.js';
import type {
  CalibrateFrameInput,
  CalibrateFrameOutput,
  CosmicStripInput,
  CosmicStripOutput,
  FrameQualityInput,
  FrameQualityOutput,
  RegisterFrameInput,
  RegisterFrameOutput,
} from './tasks/calibrate.js';
import type { CombineBandInput, CombineBandOutput } from './tasks/combine.js';
import type {
  BackgroundMeshesInput,
  BackgroundMeshesOutput,
  DetectTileInput,
  DetectTileOutput,
} from './tasks/detect.js';
import type { DifferenceTaskInput, DifferenceTaskOutput } from './tasks/difference.js';
import type { LiveStackInput, LiveStackOutput } from './tasks/live-stack.js';
import type { ProcessFrameInput, ProcessFrameOutput } from './tasks/process-frame.js';
import type { SynthGenerateInput, SynthGenerateOutput } from './tasks/synth.js';
import type { PlateSolveInput, PlateSolveOutput } from './tasks/plate-solve.js';

/**
 * TaskMap: the contract between main-side services and piscina workers (ARCHITECTURE.md).
 * Each key is a task kind, implemented by `src-workers/tasks/<kind>.task.ts` whose default export takes
 * `TaskMap[K]['input']` and resolves to `TaskMap[K]['output']`. Pixel buffers travel as transferable or
 * shared typed arrays, never as JSON.
 *
 * Add a kind by adding a key here (importing its DTO types from `./tasks/<area>.ts`) and a task file.
 */
export interface TaskMap {
  /** Echoes its input after optional busy-work; used to test the pool itself (timeouts, crashes, progress). */
  'pool-probe': {
    input: { mode: 'echo' | 'throw' | 'crash' | 'sleep' | 'progress'; value?: number; sleepMs?: number };
    output: { value: number; threadId: number };
  };
  /** One watched-folder frame: statistics, then detection and photometry as its profile asks. */
  'process-frame': { input: ProcessFrameInput; output: Result<ProcessFrameOutput> };
  /** Registers one light onto its stack's reference and adds it to the running mean (watched folders). */
  'live-stack': { input: LiveStackInput; output: Result<LiveStackOutput> };
  /** Image differencing of one frame against a reference (owb diff, the `difference` profile step). */
  difference: { input: DifferenceTaskInput; output: Result<DifferenceTaskOutput> };
  /** Renders, encodes and atomically writes a batch of synthetic-dataset images (`owb synth`). */
  'synth-generate': { input: SynthGenerateInput; output: SynthGenerateOutput };
  /** Plate-solves one frame and optionally writes a copy with the WCS (`owb solve`). */
  'plate-solve': { input: PlateSolveInput; output: PlateSolveOutput };
  /** Detects and measures the objects of one strip of a frame (`owb detect --workers N`). */
  'detect-tile': { input: DetectTileInput; output: DetectTileOutput };
  /** Estimates some mesh rows of a frame's background model (`owb detect --workers N`). */
  'background-meshes': { input: BackgroundMeshesInput; output: BackgroundMeshesOutput };
  /** Calibrates one light with shared masters (optionally L.A.Cosmic) and writes it. */
  'calibrate-frame': { input: CalibrateFrameInput; output: CalibrateFrameOutput };
  /** Registers one frame onto a shared reference and writes the resampled frame. */
  'register-frame': { input: RegisterFrameInput; output: RegisterFrameOutput };
  /** Quality metrics of one frame for stacking (FWHM, eccentricity, background, noise, stars). */
  'frame-quality': { input: FrameQualityInput; output: FrameQualityOutput };
  /** L.A.Cosmic on one horizontal strip (with halo rows) of a frame (`owb cosmic`). */
  'cosmic-strip': { input: CosmicStripInput; output: CosmicStripOutput };
  /** Combines a pixel slice of one row band of N frames (`owb masters`, shared buffers). */
  'combine-band': { input: CombineBandInput; output: CombineBandOutput };
}

export type TaskKind = keyof TaskMap;
export type TaskInput<K extends TaskKind> = TaskMap[K]['input'];
export type TaskOutput<K extends TaskKind> = TaskMap[K]['output'];

/** Progress posted by a task through the MessagePort the pool hands it as `progressPort`. */
export interface TaskProgress {
  done: number;
  total: number;
  label?: string;
}
