#!/usr/bin/env node
// Runs every tests/**/*.test.ts (or those under the given folders) with Node's test runner and tsx,
// so tests exercise the TypeScript sources directly; piscina workers inherit the tsx loader.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(relative(process.cwd(), path));
  }
}
for (const root of roots.length ? roots : ['tests']) {
  if (statSync(root).isDirectory()) walk(root);
  else files.push(root);
}
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a handle a failed test left open (a watcher, a server) must not keep the run alive for ever.
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-force-exit',
    '--test-reporter=spec',
    ...extra,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, OWB_TEST: '1' } },
);
process.exit(result.status ?? 1);
