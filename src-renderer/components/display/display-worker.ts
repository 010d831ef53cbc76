/**
 * The main thread's side of the display worker: promises for block-averaged levels and for display
 * limits from a strided sample. Where no worker can start (a test page, an old browser) the same
 * functions run on the main thread, so the answers never depend on where they were computed.
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { handleDisplayRequest, type DisplayReply, type DisplayRequest, type LimitsRequest } from './display-work.js';
import type { Limits } from './limits.js';

type Pending = (reply: DisplayReply) => void;
type Body<R> = R extends DisplayRequest ? Omit<R, 'id'> : never;

export interface SampleLimits {
  /** The sample's finite values, sorted (what `histeq` and the levels histogram use). */
  sorted: Float32Array;
  limits: Limits[];
  range: Limits;
}

/** A strided sample of at most `maxSamples` of `data` (unsorted, NaN kept): a few thousand cache lines. */
export function stridedSample(data: Float32Array, maxSamples = 50_000): Float32Array {
  const stride = Math.max(1, Math.floor(data.length / maxSamples));
  const out = new Float32Array(Math.ceil(data.length / stride));
  for (let i = 0, j = 0; i < data.length; i += stride, j++) out[j] = data[i];
  return out;
}

function startWorker(factory: (() => Worker) | null | undefined): Worker | null {
  if (factory === null) return null;
  try {
    return factory ? factory() : new Worker(new URL('./display.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

export class DisplayWorker {
  private worker: Worker | null;
  private pending = new Map<number, Pending>();
  private nextId = 1;

  /** `factory` starts the worker [the bundled display.worker.ts]; null runs everything on this thread. */
  constructor(factory?: (() => Worker) | null) {
    const worker = startWorker(factory);
    this.worker = worker;
    worker?.addEventListener('message', (e: MessageEvent<DisplayReply>) => {
      const done = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      done?.(e.data);
    });
    worker?.addEventListener('error', () => this.failAll('display worker failed'));
  }

  /** Whether requests run in a worker (false: on the calling thread). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  /** Block averages of `level` by each factor; `level.data` is copied to the worker, never detached. */
  async levels(level: PixelsDto, factors: number[]): Promise<PixelsDto[]> {
    const reply = await this.send({ op: 'levels', level, factors }, []);
    if (reply.op !== 'levels') throw new Error(reply.op === 'error' ? reply.message : 'display worker: bad reply');
    return reply.levels;
  }

  /** The sorted sample and each requested limit pair on it (zscale, percentiles), with its min/max. */
  async limits(sample: Float32Array, limits: LimitsRequest[]): Promise<SampleLimits> {
    const copy = sample.slice();
    const reply = await this.send({ op: 'limits', sample: copy, limits }, [copy.buffer]);
    if (reply.op !== 'limits') throw new Error(reply.op === 'error' ? reply.message : 'display worker: bad reply');
    return { sorted: reply.sorted, limits: reply.limits, range: reply.range };
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll('display worker stopped');
  }

  private send(body: Body<DisplayRequest>, transfer: Transferable[]): Promise<DisplayReply> {
    const request = { ...body, id: this.nextId++ } as DisplayRequest;
    if (!this.worker) return Promise.resolve(handleDisplayRequest(request).reply);
    return new Promise((resolve) => {
      this.pending.set(request.id, resolve);
      this.worker!.postMessage(request, transfer);
    });
  }

  private failAll(message: string): void {
    for (const [id, done] of this.pending) done({ id, op: 'error', message });
    this.pending.clear();
  }
}
