#!/usr/bin/env node
// `npm run build` (also run by `npm install` through `prepare`): compile core's AssemblyScript kernels,
// compile the TypeScript projects to dist/, bundle the CLI's start-up-critical modules in place
// (build-bundles.mjs) and bundle the renderer with Vite into dist/renderer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
function run(label, args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}
run('kernels', ['scripts/build-kernels.mjs']);
run('tsc', [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
markCompiledCurrent('src-main');
markCompiledCurrent('src-workers');
run('bundles', ['scripts/build-bundles.mjs']);
if (existsSync('src-renderer/index.html')) {
  // vite's exports map hides bin/, so find it beside its package.json.
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  run('vite', [viteBin, 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
}

/**
 * tsc -b skips a file whose text did not change even when its time did (an editor or formatter saving
 * it again), which leaves its output older than its source. Stamps such outputs with the current time,
 * so that a check by times (bin/owb.js users, the bench) does not take the build for stale.
 */
function markCompiledCurrent(dir) {
  for (const name of readdirSync(dir)) {
    const source = join(dir, name);
    if (statSync(source).isDirectory()) markCompiledCurrent(source);
    else if (name.endsWith('.ts') && !name.endsWith('.as.ts') && !name.endsWith('.d.ts')) {
      const output = join('dist', source.replace(/\.ts$/, '.js'));
      if (existsSync(output) && statSync(output).mtimeMs < statSync(source).mtimeMs) {
        const now = new Date();
        utimesSync(output, now, now);
      }
    }
  }
}
