#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` (run by `npm install`) has produced it, else the
// TypeScript sources through tsx, so a checkout works before and after a build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src-main', 'cli', 'main.js');
let entry = built;
if (process.env.OWB_FROM_SOURCE === '1' || !existsSync(built)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = join(root, 'src-main', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
