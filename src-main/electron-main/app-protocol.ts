/**
 * The `app://` scheme the desktop window loads the renderer from (docs/electron.md), as pure functions so
 * they are tested without Electron: the Content-Security-Policy every response carries, and the mapping of
 * a request URL onto a file of the built renderer, refusing anything outside it. A custom scheme instead of
 * `file://` means the page has no file-system origin, and our CSP header applies (Electron cannot add
 * headers to `file://` loads, so only the page's looser `<meta>` policy applied there).
 */
import { rendererContentType, rendererPath } from '../node/serve/renderer-path.js';

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
  const mapped = rendererPath(rendererDir, parsed.pathname);
  if ('status' in mapped) return mapped;
  return { file: mapped.file, contentType: rendererContentType(mapped.file) };
}

/** Whether a navigation target is our own page (any hash route of it); everything else is refused. */
export function isAppPageUrl(url: string): boolean {
  return url.split('#')[0] === APP_ENTRY_URL;
}
