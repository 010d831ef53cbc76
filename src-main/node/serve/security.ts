import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh 192-bit URL-safe token per server start. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];

/**
 * DNS-rebinding guard: a page on evil.example that resolves its name to 127.0.0.1 still sends
 * `Host: evil.example:PORT`, so only our own loopback authority is accepted.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

/** Browsers send `Origin` on WebSocket upgrades and cross-origin requests; it must be our own origin when present. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return LOOPBACK_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}

export function cookieName(port: number): string {
  // Cookies are shared by every port of a host; naming them by port keeps two servers apart.
  return `owb_token_${port}`;
}

/** Where a request may carry the token; which places count depends on the route ({@link TOKEN_PLACES}). */
export type TokenPlace = 'query' | 'bearer' | 'cookie';

/** The token places a request carries (absent ones are left out; an unreadable cookie counts as a wrong token). */
export type Credentials = Partial<Record<TokenPlace, string>>;

/** What a request is for, as far as authorisation goes. */
export type RouteKind = 'page' | 'invoke' | 'socket';

/**
 * The documented places of the token per route (README, `owb serve --help`, docs/electron.md):
 * - `page` (the renderer's files and /metrics): the printed `?token=` URL, the cookie that answer sets
 *   (so the page's scripts and styles load), or `Authorization: Bearer` (curl, Prometheus);
 * - `invoke` (POST /api/invoke): `Authorization: Bearer` only, so neither a cross-site form (the cookie) nor a
 *   leaked URL can post;
 * - `socket` (the /ws upgrade): `?token=` (browsers cannot set headers on a WebSocket) or `Authorization: Bearer`.
 */
export const TOKEN_PLACES: Record<RouteKind, readonly TokenPlace[]> = {
  page: ['query', 'bearer', 'cookie'],
  invoke: ['bearer'],
  socket: ['query', 'bearer'],
};

/** Reads every place a token can appear in, never throwing on malformed input. */
export function credentialsOf(req: IncomingMessage, url: URL, port: number): Credentials {
  const found: Credentials = {};
  if (url.searchParams.has('token')) found.query = url.searchParams.get('token') ?? '';
  const auth = req.headers.authorization;
  // Any Authorization header counts as a credential: one that is not `Bearer TOKEN` is a wrong one.
  if (auth !== undefined) found.bearer = /^Bearer /i.test(auth) ? auth.slice(7).trim() : '';
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      found.cookie = decodeURIComponent(v.join('='));
    } catch {
      found.cookie = ''; // a malformed %-escape is a wrong token, not a server error
    }
  }
  return found;
}

/**
 * Whether a request may proceed. Every explicit token the route accepts (`?token=`, `Authorization`) must be
 * the token, so a right `?token=` next to a wrong `Authorization` is refused, not let through. The cookie,
 * which browsers send by themselves, counts only when no explicit token is given (a stale cookie from an
 * earlier run on the same port does not block the freshly printed URL, whose answer replaces it) and is
 * ignored where the route does not accept it. A token in the URL of `invoke` is refused outright.
 * Returns `null` when authorised, else the reason for the 401.
 */
export function authorise(kind: RouteKind, given: Credentials, expected: string): string | null {
  const places = TOKEN_PLACES[kind];
  if (kind === 'invoke' && given.query !== undefined) return 'the token is not accepted in the URL of /api/invoke';
  const explicit = places.filter((place) => place !== 'cookie' && given[place] !== undefined);
  for (const place of explicit)
    if (!tokensEqual(given[place] ?? null, expected)) return `wrong token in ${placeName(place)}`;
  if (explicit.length > 0) return null;
  if (places.includes('cookie') && given.cookie !== undefined) {
    return tokensEqual(given.cookie, expected) ? null : `wrong token in ${placeName('cookie')}`;
  }
  return `the token is required in ${places.map(placeName).join(' or ')}`;
}

function placeName(place: TokenPlace): string {
  return place === 'query' ? '?token=' : place === 'bearer' ? 'Authorization: Bearer' : 'the session cookie';
}

/** The Content-Security-Policy of the renderer, served as a header (Electron sets the same). */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // MUI's emotion injects <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Constant-time comparison of a given token with ours; `null` (no token) is never equal. */
export function tokensEqual(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
