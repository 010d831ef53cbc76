import { sampHandlers } from './samp.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { errorMessage, isUserFileError } from '../../common/file-errors.js';
import { isInvokeChannel, type InvokeChannel } from '../../common/ipc-contract.js';
import { PAYLOAD_GUARDS } from '../../common/ipc-guards.js';
import { fail, ok, type Result } from '../../common/result.js';
import { catalogHandlers } from './catalog.js';
import { catalogStarHandlers } from './catalog-stars.js';
import { curationHandlers } from './curation.js';
import { datasetHandlers } from './datasets.js';
import { frameHandlers } from './frames.js';
import { lightCurveHandlers } from './light-curve.js';
import { modelHandlers } from './models.js';
import type { Handler, Handlers } from './handler-types.js';
import { pipelineHandlers } from './pipeline.js';
import { regionMeasureHandlers } from './region-measure.js';
import { registerStarHandlers } from './register-stars.js';
import type { WorkbenchServices } from './services.js';

export type { Handlers } from './handler-types.js';

/** One handler per contract key, shared by `owb serve` and the Electron main process. */
export function createHandlers(services: WorkbenchServices): Handlers {
  return {
    ...frameHandlers(services),
    ...catalogHandlers(services),
    ...curationHandlers(services),
    ...pipelineHandlers(services),
    ...datasetHandlers(services),
    ...sampHandlers(services),
    ...lightCurveHandlers(services),
    ...modelHandlers(services),
    ...catalogStarHandlers(services),
    ...regionMeasureHandlers(services),
    ...registerStarHandlers(services),
  };
}

export interface DispatchObserver {
  (channel: string, ok: boolean, elapsedMs: number): void;
}

/**
 * Validates the channel and payload, runs the handler and turns every outcome into a `Result`:
 * unknown channel → `UNKNOWN_CHANNEL`, bad payload → `BAD_PAYLOAD`, a typed `InputError` → its code,
 * anything else → `INTERNAL` (message only; no stack crosses the boundary).
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  request: unknown,
  observe?: DispatchObserver,
): Promise<Result<unknown>> {
  const started = performance.now();
  const result = await run(handlers, channel, request);
  observe?.(typeof channel === 'string' ? channel : '?', result.ok, performance.now() - started);
  return result;
}

async function run(handlers: Handlers, channel: unknown, request: unknown): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) return fail('UNKNOWN_CHANNEL', `unknown channel '${String(channel)}'`);
  const problem = PAYLOAD_GUARDS[channel](request ?? {});
  if (problem) return fail('BAD_PAYLOAD', `${channel}: ${problem}`);
  try {
    const handler = handlers[channel] as Handler<InvokeChannel>;
    return ok(await handler((request ?? {}) as never));
  } catch (error) {
    if (error instanceof InputError) return fail(error.code, error.message);
    const message = errorMessage(error);
    if (isUserFileError(error)) return fail(error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ERROR', message);
    return fail('INTERNAL', message);
  }
}
