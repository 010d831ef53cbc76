import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-errors.js';

/** The largest JSON body POST /api/invoke accepts [1 MiB]: requests are small; results travel the other way. */
export const MAX_BODY_BYTES = 1 << 20;

/**
 * Reads a request body of at most `maxBytes`. A larger one (announced by Content-Length or found while
 * reading) rejects with a 413 `HttpError`; the caller answers it and closes the connection, and the rest of
 * the body is discarded unread.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): HttpError => new HttpError(413, `request body over ${maxBytes} bytes`);
    const announced = Number(req.headers['content-length']);
    if (Number.isFinite(announced) && announced > maxBytes) {
      req.pause();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= maxBytes) resolve(Buffer.concat(chunks));
    });
    req.on('error', () => reject(new HttpError(400, 'the request body was cut off')));
  });
}

/** The body of POST /api/invoke: `{channel, request}` as JSON, else a 400 naming the problem. */
export function parseInvokeBody(body: Buffer): { channel: string; request: unknown } {
  let message: unknown;
  try {
    message = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new HttpError(400, 'the body is not UTF-8 JSON');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    throw new HttpError(400, 'the body must be a JSON object {"channel": ..., "request": ...}');
  const { channel, request } = message as Record<string, unknown>;
  if (typeof channel !== 'string') throw new HttpError(400, "the body's 'channel' must be a string");
  return { channel, request };
}
