/**
 * Where a request path lands in the built renderer, shared by `owb serve` (static-files.ts) and the
 * desktop window's `app://` scheme (electron-main/app-protocol.ts), so that the two answer the same
 * hostile paths the same way.
 */
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The Content-Type of a renderer file, by extension (any case); unknown ones are octet streams. */
export function rendererContentType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type RendererPath = { file: string } | { status: 400 | 403; reason: string };

/**
 * Decodes a URL path (`%`-escapes) and maps it onto a file under `root` (`/` and `` are `index.html`).
 * A malformed escape or a NUL is a 400; a `..` segment left after the URL parser (so it came encoded) or
 * any path that leaves `root` once decoded is a 403. Whether the file exists is the caller's concern.
 */
export function rendererPath(root: string, pathname: string): RendererPath {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { status: 400, reason: 'malformed %-escape in the path' };
  }
  if (path.includes('\0')) return { status: 400, reason: 'NUL in the path' };
  if (path.split(/[\\/]/).includes('..')) return { status: 403, reason: 'dot segment in the path' };
  const base = resolve(root);
  const file = resolve(join(base, normalize(path === '/' || path === '' ? '/index.html' : path)));
  if (!file.startsWith(base + sep)) return { status: 403, reason: 'outside the renderer folder' };
  return { file };
}
