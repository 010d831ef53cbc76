#!/usr/bin/env node
// Part of `npm run build`, after tsc: rewrites the dist/ output of the few modules whose loading is on
// the critical path of a short run as single files holding everything of ours they import. Why:
// `owb synth` loaded ≈ 50 small modules on the main thread and ≈ 40 on each helper thread, and Node's
// ES module loader spends a fraction of a millisecond on each (resolve, read, compile, link), which on a
// 2000-image dataset (≈ 0.35 s end to end) was a tenth of the run. Packages stay imports.
//
// Each bundle is built from the TypeScript sources (tsc has type-checked them), so a change to any
// module it holds shows up at the next build whichever file changed.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry modules, as source paths; each bundle replaces the entry's own dist/ file. */
const ENTRIES = ['src-main/cli/commands/synth.ts', 'src-workers/tasks/synth-generate.task.ts'];

/**
 * Modules left as imports of their dist/ file: classes that code outside a bundle tells apart with
 * `instanceof` (the CLI's exit code 2 for a user's mistake), which a copy inside the bundle would not be.
 */
const SHARED = new Set(['src-workers/core/errors.ts', 'src-main/cli/cli-errors.ts']);

/** dist/ mirrors the sources: `a/b.ts` compiles to `dist/a/b.js`. */
const distFile = (source) => join(root, 'dist', source.replace(/\.ts$/, '.js'));
const posix = (path) => path.split(sep).join('/');

for (const entry of ENTRIES) {
  const outfile = distFile(entry);
  const fromBundle = (source) => {
    const rel = posix(relative(dirname(outfile), distFile(source)));
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: 'tsconfig.base.json',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'owb-module-identity',
        setup(build) {
          // Our imports name the compiled `.js` file; the source beside it is what gets bundled.
          build.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, (args) => {
            const source = posix(relative(root, resolve(args.resolveDir, args.path))).replace(/\.js$/, '.ts');
            if (SHARED.has(source)) return { path: fromBundle(source), external: true };
            return { path: join(root, source) };
          });
          // A module that finds files beside itself (worker files, assets) sees its own dist/ URL, as
          // it would unbundled, rather than the bundle's.
          build.onLoad({ filter: /\.ts$/ }, (args) => {
            const source = posix(relative(root, args.path));
            const text = readFileSync(args.path, 'utf8');
            if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
            const own = `new URL(${JSON.stringify(fromBundle(source))}, import.meta.url).href`;
            return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
          });
        },
      },
    ],
  });
}
