/** Copies pixels into SharedArrayBuffer-backed arrays so worker tasks can read them without copies. */
import type { Image } from '../../../src-workers/core/image/index.js';
import { WorkerPool } from '../pool/worker-pool.js';

export function sharedImage(image: Image): Image {
  const data = new Float32Array(new SharedArrayBuffer(image.data.length * 4));
  data.set(image.data);
  return { width: image.width, height: image.height, data };
}

export function sharedBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** Runs `body` with the given pool, or with a private pool of `threads` workers destroyed afterwards. */
export async function withPool<T>(
  pool: WorkerPool | undefined,
  threads: number | undefined,
  body: (pool: WorkerPool) => Promise<T>,
): Promise<T> {
  if (pool) return body(pool);
  const own = new WorkerPool({ threads });
  try {
    return await body(own);
  } finally {
    await own.destroy();
  }
}
