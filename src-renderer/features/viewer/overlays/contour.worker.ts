/**
 * Contours off the main thread: traces core/viewer's marching squares on a raster it is sent and sends
 * the segments back (moved, not copied), so panning and the cursor readout stay smooth on a large frame.
 */
import { contourSegments } from '../../../../src-workers/core/viewer/index.js';

export interface ContourRequest {
  id: number;
  data: Float32Array;
  width: number;
  height: number;
  levels: number[];
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ContourRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

scope.onmessage = (e) => {
  const { id, data, width, height, levels } = e.data;
  try {
    const result = contourSegments(data, width, height, levels);
    scope.postMessage(
      { id, ok: true, levels: result },
      result.map((l) => l.segments.buffer),
    );
  } catch (error) {
    scope.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) }, []);
  }
};
