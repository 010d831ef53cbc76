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

/** The token a request carries: `?token=`, `Authorization: Bearer`, or the cookie set on first visit. */
export function tokenOf(req: IncomingMessage, url: URL, port: number): string | null {
  const query = url.searchParams.get('token');
  if (query) return query;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookies = req.headers.cookie ?? '';
  const name = cookieName(port);
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function tokensEqual(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
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
