import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { HttpError } from './http-errors.js';
import { rendererContentType, rendererPath } from './renderer-path.js';

/** Serves `root`'s files (the built renderer); unknown paths fall back to index.html; a malformed path throws a 400 `HttpError`. */
export function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  headers: Record<string, string>,
): void {
  const base = resolve(root);
  const mapped = rendererPath(base, pathname === '' ? '/' : pathname);
  if ('status' in mapped && mapped.status === 400) throw new HttpError(400, `bad request: ${mapped.reason}`);
  if ('status' in mapped) {
    res.writeHead(403).end('forbidden');
    return;
  }
  let file = mapped.file;
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(base, 'index.html');
  if (!existsSync(file)) {
    res
      .writeHead(503, { ...headers, 'content-type': 'text/plain' })
      .end('The renderer is not built: run `npm run build`.\n');
    return;
  }
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...headers,
    'content-type': rendererContentType(file),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  // A file removed or unreadable between the check and the read ends this answer, not the server.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
