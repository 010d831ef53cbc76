import { basename, sep } from 'node:path';
import { matchesPatterns } from '../pipeline/profile.js';

/** Suffixes of files still being written by copy tools, browsers and editors. */
const TEMP_SUFFIXES = [
  '.tmp',
  '.temp',
  '.part',
  '.partial',
  '.crdownload',
  '.download',
  '.filepart',
  '.swp',
  '~',
  '.lock',
  '.!sync',
];

/** True for hidden files and folders (any path segment below `root` starting with '.') and temporary files. */
export function isHiddenOrTemporary(path: string, root = ''): boolean {
  const rel = root && path.startsWith(root) ? path.slice(root.length) : path;
  for (const segment of rel.split(sep)) if (segment.startsWith('.') && segment !== '.' && segment !== '..') return true;
  const name = basename(path).toLowerCase();
  if (name.startsWith('~$') || name.startsWith('#')) return true;
  return TEMP_SUFFIXES.some((s) => name.endsWith(s));
}

/** True when the watcher should take `path`: visible, not temporary, and matching the profile's patterns. */
export function wantsFile(path: string, patterns: readonly string[], root = ''): boolean {
  return !isHiddenOrTemporary(path, root) && matchesPatterns(basename(path), patterns);
}
