import { InputError } from '../../../src-workers/core/errors.js';
import { join } from 'node:path';
import { errorMessage } from '../../common/file-errors.js';
import { assertDatasetFolderIsOurs, workspacePath } from '../paths/workspace-path.js';
import type { PixelsDto, SynthRunStatus, SynthValidation } from '../../common/workbench-dto.js';
import type { HandlerGroup } from './handler-types.js';
import type { WorkbenchServices } from './services.js';

type DatasetKeys =
  'owb:synth.defaults' | 'owb:synth.validate' | 'owb:synth.preview' | 'owb:synth.run' | 'owb:synth.cancel';

/** Progress events at most this often: a run of small images writes thousands a second. */
const PROGRESS_INTERVAL_MS = 100;

/** The synthetic-dataset generator (owned by `core/synth` and `node/synth`), reached through this port. */
export interface SynthPort {
  defaults(): Record<string, unknown>;
  validate(config: Record<string, unknown>): SynthValidation;
  preview(config: Record<string, unknown>, index: number, sizePx?: number): PixelsDto;
  /**
   * Generates a dataset off the calling thread; `onProgress` is called as images are written. Resolves
   * `'cancelled'` when `signal` stopped it (what was written stays, and a run into `outDir` continues it).
   */
  run(
    config: Record<string, unknown>,
    outDir: string,
    onProgress: (done: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<'done' | 'cancelled'>;
}

/** The stop switch of each run in progress, by its status object. */
const stops = new WeakMap<SynthRunStatus, AbortController>();

function synthPort(services: WorkbenchServices): SynthPort {
  if (!services.synth)
    throw new InputError('UNAVAILABLE', 'the synthetic-dataset generator is not available in this build');
  return services.synth;
}

export const datasetHandlers: HandlerGroup<DatasetKeys> = (services) => ({
  'owb:synth.defaults': () => synthPort(services).defaults(),
  'owb:synth.validate': ({ config }) => synthPort(services).validate(config),
  'owb:synth.preview': ({ config, count, sizePx }) => {
    const port = synthPort(services);
    const { errors, config: valid } = port.validate(config);
    if (errors.length) throw new InputError('BAD_CONFIG', errors.map((e) => `${e.key}: ${e.message}`).join('; '));
    return Array.from({ length: count }, (_, i) => port.preview(valid, i, sizePx));
  },
  'owb:synth.run': ({ config, outDir }) => {
    const port = synthPort(services);
    const { errors, config: valid } = port.validate(config);
    if (errors.length) throw new InputError('BAD_CONFIG', errors.map((e) => `${e.key}: ${e.message}`).join('; '));
    const runId = `synth-${Date.now().toString(36)}`;
    // The path policy (issue 25): inside the workspace, resolved against it, and never a folder of the
    // user's (a run deletes leftover *.tmp files and writes train.csv).
    const dir = workspacePath(services.root, outDir && outDir.trim() ? outDir : join('datasets', runId), {
      what: 'outDir',
    });
    assertDatasetFolderIsOurs(dir);
    const injection = (valid as { Injection?: { frames_dir?: unknown } }).Injection;
    if ((valid as { General?: { mode?: unknown } }).General?.mode === 'injection' && injection)
      injection.frames_dir = workspacePath(services.root, String(injection.frames_dir ?? ''), {
        what: 'Injection.frames_dir',
      });
    const status: SynthRunStatus = {
      runId,
      outDir: dir,
      done: 0,
      total: 0,
      state: 'running',
      error: null,
      rate: null,
      secondsLeft: null,
    };
    const stop = new AbortController();
    stops.set(status, stop);
    services.synthRuns.set(runId, status);
    const publish = (): void => services.events.emit('owb:synth.progress', { ...status });
    // The rate counts this run's images only: those kept from an earlier run come at once.
    let first: { at: number; done: number } | undefined;
    let lastPublished = 0;
    port
      .run(
        valid,
        dir,
        (done, total) => {
          const now = Date.now();
          status.done = done;
          status.total = total;
          first ??= { at: now, done };
          if (now - first.at >= 250 && done > first.done) {
            status.rate = ((done - first.done) * 1000) / (now - first.at);
            status.secondsLeft = (total - done) / status.rate;
          }
          if (now - lastPublished >= PROGRESS_INTERVAL_MS || done === total) {
            lastPublished = now;
            publish();
          }
        },
        stop.signal,
      )
      .then(
        (outcome) => {
          status.state = outcome;
          status.secondsLeft = outcome === 'done' ? 0 : null;
          if (outcome === 'cancelled') status.error = `cancelled: generate into ${dir} again to continue`;
          publish();
        },
        (error: unknown) => {
          status.state = 'failed';
          status.error = errorMessage(error);
          publish();
        },
      )
      .finally(() => stops.delete(status));
    return { ...status };
  },
  'owb:synth.cancel': ({ runId }) => {
    const status = services.synthRuns.get(runId);
    if (!status) throw new InputError('NOT_FOUND', `no dataset run '${runId}'`);
    stops.get(status)?.abort();
    return { ...status };
  },
});
