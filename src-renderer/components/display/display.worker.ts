/**
 * The viewer's display worker: block-averaged levels of a frame (previews, and coarser levels to draw
 * zoomed out without aliasing) and display limits from a pixel sample, off the main thread. Requests and
 * replies are `DisplayRequest` / `DisplayReply`; pixel buffers are transferred, not copied, on the way back.
 */
import { handleDisplayRequest, type DisplayRequest } from './display-work.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<DisplayRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => {
  const { reply, transfer } = handleDisplayRequest(e.data);
  scope.postMessage(reply, transfer);
};
