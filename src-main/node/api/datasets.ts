import { InputError } from '../../../src-workers/core/errors.js';
import type { PixelsDto, SynthRunStatus, SynthValidation } from '../../common/workbench-dto.js';
import type { HandlerGroup } from './handler-types.js';
import type { WorkbenchServices } from './services.js';

type DatasetKeys = 'owb:synth.defaults' | 'owb:synth.validate' | 'owb:synth.preview' | 'owb:synth.run';

/** The synthetic-dataset generator (owned by `core/synth` and `node/synth`), reached through this port. */
export interface SynthPort {
  defaults(): Record<string, unknown>;
  validate(config: Record<string, unknown>): SynthValidation;
  preview(config: Record<string, unknown>, index: number, sizePx?: number): PixelsDto;
  /** Starts a generation; `onProgress` is called as images are written. */
  run(
    config: Record<string, unknown>,
    outDir: string,
    onProgress: (done: number, total: number) => void,
  ): Promise<void>;
}

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
    const dir = outDir && outDir.trim() ? outDir : `${services.root}/datasets/${runId}`;
    const status: SynthRunStatus = { runId, outDir: dir, done: 0, total: 0, state: 'running', error: null };
    services.synthRuns.set(runId, status);
    const publish = (): void => services.events.emit('owb:synth.progress', { ...status });
    port
      .run(valid, dir, (done, total) => {
        status.done = done;
        status.total = total;
        publish();
      })
      .then(
        () => {
          status.state = 'done';
          publish();
        },
        (error: unknown) => {
          status.state = 'failed';
          status.error = error instanceof Error ? error.message : String(error);
          publish();
        },
      );
    return { ...status };
  },
});
