/**
 * A helper thread of the page-read BINARY2 source export: opens the catalog file read-only and encodes the pieces
 * the export thread posts, answering each with its bytes (moved, not copied) in the order received. The export
 * thread holds the read transaction that keeps the file the snapshot for as long as this thread reads it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PieceEncoder, type PagePlan, type Piece } from './export-binary2-pages.js';
import { SqliteFile } from './sqlite-table-file.js';

const { path, plan, pieceRows } = workerData as { path: string; plan: PagePlan; pieceRows: number };
const file = SqliteFile.open(path);
const encoder = new PieceEncoder(file, plan);
const port = parentPort;
if (!port) throw new Error('export-binary2.worker: not started as a worker thread');
/** Buffers the export thread has written out and handed back: reused, so memory stays at a few pieces' worth. */
const free: ArrayBuffer[] = [];
port.on('message', (message: { seq: number; piece: Piece } | { release: ArrayBuffer } | 'close') => {
  if (message === 'close') {
    file.close();
    port.close();
    return;
  }
  if ('release' in message) {
    free.push(message.release);
    return;
  }
  try {
    const { piece } = message;
    const bytes = encoder.boundBytes(piece.to - piece.from + 1, piece.zp.source.length);
    // A buffer of its own (allocUnsafe may share a pool slab), so it can be moved to the export thread.
    // Every buffer is made big enough for a whole piece (a frame's last piece is shorter), so each one is reused.
    const reused = free.pop();
    const out = Buffer.from(
      reused && reused.byteLength >= bytes
        ? reused
        : new ArrayBuffer(Math.max(bytes, encoder.boundBytes(pieceRows, piece.zp.source.length + 64))),
    );
    const result = encoder.encode(piece, out);
    port.postMessage({ seq: message.seq, result }, result.ok ? [out.buffer] : []);
  } catch (error) {
    port.postMessage({ seq: message.seq, error: error instanceof Error ? error.message : String(error) });
  }
});
