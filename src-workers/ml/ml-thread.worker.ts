// One training/inference thread (ThreadEngine): holds the shared stamp buffer, answers gradient and
// prediction requests for the parameters sent with each request.
import { parentPort, workerData } from 'node:worker_threads';
import { CnnWorkspace, cnnLayout, type CnnSpec } from './cnn.js';
import { chunkGradient, predictIndices, type Chunk, type StampSet } from './stamp-set.js';

interface Init {
  spec: CnnSpec;
  set: StampSet;
}
type Request =
  | { id: number; kind: 'grad'; params: Float32Array; chunks: Chunk[] }
  | { id: number; kind: 'predict'; params: Float32Array; indices: Int32Array };

const port = parentPort!;
const { spec, set } = workerData as Init;
const layout = cnnLayout(spec);
const ws = new CnnWorkspace(layout);
const scratch = new Float32Array(set.channels * set.height * set.width);

port.on('message', (req: Request) => {
  try {
    if (req.kind === 'grad') {
      const results = req.chunks.map((c) => chunkGradient(layout, req.params, set, c, ws, scratch));
      port.postMessage(
        { id: req.id, results },
        results.map((r) => r.grad.buffer as ArrayBuffer),
      );
    } else {
      const scores = predictIndices(layout, req.params, set, req.indices, ws);
      port.postMessage({ id: req.id, scores }, [scores.buffer as ArrayBuffer]);
    }
  } catch (error) {
    port.postMessage({ id: req.id, error: String((error as Error)?.message ?? error) });
  }
});
