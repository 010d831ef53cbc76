/**
 * The `app://` scheme the desktop window loads the renderer from (docs/electron.md), as pure functions so
 * they are tested without Electron: the Content-Security-Policy every response carries, and the mapping of
 * a request URL onto a file of the built renderer, refusing anything outside it. A custom scheme instead of
 * `file://` means the page has no file-system origin, and our CSP header applies (Electron cannot add
 * headers to `file://` loads, so only the page's looser `<meta>` policy applied there).
 */
import { extname, join, normalize, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
/** The origin of the renderer page (`app://workbench`). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The URL the window loads; the IPC sender check compares frames against it (hash routes aside). */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The policy of docs/electron.md § Security settings: scripts from the app only (no `eval`, no inline
 * scripts), styles from the app plus inline ones (MUI's emotion injects them), images from the app,
 * `data:` and `blob:`, `connect-src 'none'` (the window talks to main over IPC only, no network), no
 * plugins, no `<base>`, no form posts, never framed.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
};

export type AppRequest = { file: string; contentType: string } | { status: 400 | 403 | 404; reason: string };

/**
 * Maps an `app://workbench/…` URL onto a file under `rendererDir` (`/` is `index.html`). Refuses another
 * scheme or host (404), malformed %-escapes and NUL (400), and any path that leaves the folder once
 * decoded, `..` and encoded separators included (403). Whether the file exists is the caller's concern.
 */
export function resolveAppRequest(url: string, rendererDir: string): AppRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST)
    return { status: 404, reason: `not under ${APP_ORIGIN}` };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 400, reason: 'malformed %-escape in the path' };
  }
  if (path.includes('\0')) return { status: 400, reason: 'NUL in the path' };
  // The URL parser already resolved literal dot segments; any left now came %-encoded: an attempt, refused.
  if (path.split(/[\\/]/).includes('..')) return { status: 403, reason: 'dot segment in the path' };
  const base = resolve(rendererDir);
  const file = resolve(join(base, normalize(path === '/' || path === '' ? '/index.html' : path)));
  if (!file.startsWith(base + sep)) return { status: 403, reason: 'outside the renderer folder' };
  return { file, contentType: MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

/** Whether a navigation target is our own page (any hash route of it); everything else is refused. */
export function isAppPageUrl(url: string): boolean {
  return url.split('#')[0] === APP_ENTRY_URL;
}
