import type { Worker } from 'node:worker_threads';
import type { CnnSpec } from './cnn.js';
import type { Chunk, ChunkResult, GradientEngine, StampSet } from './stamp-set.js';

/** Starts one ml-thread.worker with the given workerData (the caller knows how: from sources or dist). */
export type StartWorker = (workerData: { spec: CnnSpec; set: StampSet }) => Worker;

type Reply = { id: number; results?: ChunkResult[]; scores?: Float32Array; error?: string };

/**
 * Spreads gradient chunks (round robin) and prediction ranges over worker threads that share the stamp
 * buffer (it must live in a SharedArrayBuffer, so no copy per thread). Chunk results come back in
 * chunk order, so the summed gradient is the same bit for bit as with `localEngine`, whatever the
 * number of threads.
 */
export class ThreadEngine implements GradientEngine {
  private readonly workers: Worker[];
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(spec: CnnSpec, set: StampSet, threads: number, start: StartWorker) {
    if (!(set.data.buffer instanceof SharedArrayBuffer))
      throw new TypeError('ThreadEngine needs stamps in a SharedArrayBuffer');
    this.workers = Array.from({ length: Math.max(1, threads) }, () => {
      const w = start({ spec, set });
      w.on('message', (reply: Reply) => {
        const waiter = this.waiting.get(reply.id);
        if (!waiter) return;
        this.waiting.delete(reply.id);
        if (reply.error) waiter.reject(new Error(reply.error));
        else waiter.resolve(reply);
      });
      w.on('error', (error) => this.failAll(error));
      w.on('exit', (code) => this.failAll(new Error(`ml thread stopped (exit code ${code})`)));
      return w;
    });
  }

  get threads(): number {
    return this.workers.length;
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  private request(worker: Worker, message: object): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  async gradients(params: Float32Array, chunks: readonly Chunk[]): Promise<ChunkResult[]> {
    const t = this.workers.length;
    const parts = this.workers.map((_, k) => chunks.filter((_, i) => i % t === k));
    const replies = await Promise.all(
      parts.map((part, k) =>
        part.length ? this.request(this.workers[k], { kind: 'grad', params, chunks: part }) : null,
      ),
    );
    return chunks.map((_, i) => replies[i % t]!.results![Math.floor(i / t)]);
  }

  async predict(params: Float32Array, indices: Int32Array): Promise<Float32Array> {
    const t = this.workers.length;
    const per = Math.ceil(indices.length / t);
    const replies = await Promise.all(
      this.workers.map((w, k) => {
        const part = indices.slice(k * per, (k + 1) * per);
        return part.length ? this.request(w, { kind: 'predict', params, indices: part }) : null;
      }),
    );
    const out = new Float32Array(indices.length);
    replies.forEach((r, k) => r && out.set(r.scores!, k * per));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
