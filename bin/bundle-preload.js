#!/usr/bin/env node

// Bundles the Electron preload to CommonJS (sandboxed preloads cannot be ES modules). Run by bin/start.js
// before launching Electron and by electron-builder (beforePack) when packaging.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function bundlePreload() {
  const { build } = await import('esbuild');
  const outfile = join(root, 'dist', 'preload', 'preload.cjs');
  await build({
    entryPoints: [join(root, 'src-main', 'preload', 'preload.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    external: ['electron'],
    logLevel: 'warning',
  });
  return outfile;
}

export default async function beforePack() {
  await bundlePreload();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await bundlePreload());
}
