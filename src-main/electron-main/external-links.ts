/**
 * Which links the desktop window may hand to the system browser: only documentation of the tools and
 * standards the workbench follows, over https, on these exact hosts and path prefixes, and only after the
 * user confirmed (main.ts asks). Anything else a page tries to open (`window.open`, `target=_blank`) is
 * dropped, so a compromised renderer cannot launch arbitrary URLs or local handlers (`file:`, `smb:`, …).
 */
export const DOCUMENTATION_URLS: readonly string[] = [
  'https://fits.gsfc.nasa.gov/',
  'https://heasarc.gsfc.nasa.gov/docs/software/fitsio/',
  'https://docs.astropy.org/',
  'https://photutils.readthedocs.io/',
  'https://sextractor.readthedocs.io/',
  'https://sep.readthedocs.io/',
  'https://astrometry.net/doc/',
  'https://www.electronjs.org/docs/',
];

/**
 * Whether `url` is on the documentation allow-list: `https:`, no user name or password, no explicit port,
 * and its origin and path start one of {@link DOCUMENTATION_URLS} (compared after URL parsing, so
 * `https://docs.astropy.org.evil.example/` or `https://evil.example/?https://docs.astropy.org/` do not pass).
 */
export function isDocumentationUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  const target = `${parsed.origin}${parsed.pathname}`;
  return DOCUMENTATION_URLS.some((allowed) => {
    const a = new URL(allowed);
    return parsed.origin === a.origin && target.startsWith(`${a.origin}${a.pathname}`);
  });
}

/** The question put to the user before a documentation link opens in their browser. */
export function confirmExternalMessage(url: string): { message: string; detail: string; buttons: string[] } {
  return {
    message: 'Open this documentation page in your web browser?',
    detail: url,
    buttons: ['Cancel', 'Open in browser'],
  };
}
