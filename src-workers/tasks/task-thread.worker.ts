// Entry of a dedicated task thread (src-main/node/pool/task-thread.ts): loads one task module at once,
// then runs it on each input the parent sends, one after the other. Progress and the outcome go back
// on the thread's port, told apart by `kind`.
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

type Task = (input: object) => unknown;

const port = parentPort!;
const { taskFile } = workerData as { taskFile: string };
const task = ((await import(pathToFileURL(taskFile).href)) as { default: Task }).default;
// What a task's progress reporter needs of a port.
const progressPort = { postMessage: (progress: unknown) => port.postMessage({ kind: 'progress', progress }) };

let queue = Promise.resolve();
port.on('message', (input: object) => {
  queue = queue.then(async () => {
    try {
      port.postMessage({ kind: 'output', output: await task({ ...input, progressPort }) });
    } catch (error) {
      try {
        port.postMessage({ kind: 'error', error });
      } catch {
        // Not cloneable (an error with functions attached): its text still tells what went wrong.
        port.postMessage({ kind: 'error', error: new Error(String((error as Error)?.message ?? error)) });
      }
    }
  });
});
