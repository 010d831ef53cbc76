import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** A request the client got wrong, answered with `status` and a one-line message (never a stack). */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 414 | 431,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Where the server writes lines about its own failures (stderr by default). */
export type ServerLog = (line: string) => void;

/** Headers every answer carries. */
export const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' } as const;

/** Answers a client error with its status and message. */
export function sendHttpError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(error.status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
    .end(`${error.message}\n`);
}

/**
 * Our own bug: logs the stack under a short random id and answers 500 naming only the id, so a user can
 * quote it and nothing of the server's internals reaches the client.
 */
export function sendInternalError(res: ServerResponse, error: unknown, log: ServerLog): string {
  const id = logInternalError(error, log);
  if (res.headersSent) res.destroy();
  else
    res
      .writeHead(500, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
      .end(`internal error ${id}: see the owb serve log\n`);
  return id;
}

/** Logs our own bug with its stack under a fresh short id and returns the id (the only part a client sees). */
export function logInternalError(error: unknown, log: ServerLog): string {
  const id = randomBytes(6).toString('hex');
  log(`owb serve: internal error ${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return id;
}
