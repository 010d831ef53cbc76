import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The checkout or installed package root (the folder holding package.json above this file). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the workbench package root');
    dir = up;
  }
  return dir;
}

export function rendererDir(root = packageRoot()): string {
  return join(root, 'dist', 'renderer');
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * In a checkout, (re)builds dist/renderer with Vite when it is missing or older than the renderer's
 * sources, so `owb serve` and the e2e tests never show a stale UI. An installed package (no
 * src-renderer) uses what it shipped. Returns a message when it built, or throws when the build failed.
 */
export function ensureRendererBuilt(root = packageRoot()): string | null {
  const sources = join(root, 'src-renderer');
  if (!existsSync(join(sources, 'index.html'))) return null;
  const index = join(rendererDir(root), 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(sources),
    newestMtime(join(root, 'src-main', 'common')),
    newestMtime(join(root, 'src-workers', 'core', 'display')),
    // The viewer's overlays (grid, contours, apertures) and its WCS are bundled too.
    newestMtime(join(root, 'src-workers', 'core', 'viewer')),
    newestMtime(join(root, 'src-workers', 'core', 'wcs')),
  );
  if (builtAt >= sourcesAt) return null;
  const require = createRequire(join(root, 'package.json'));
  // vite's package exports do not expose bin/: resolve its package.json and go from there.
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', join(sources, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`building the renderer failed:\n${result.stderr || result.stdout}`);
  return 'built the renderer into dist/renderer';
}
