// `npm run bench [SUITE…]`: runs bench/suites/*.bench.ts in one process tree, each timing our code and the
// reference tools on the same inputs, and prints one row per tool with the ratios.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, type BenchContext, type BenchRow } from './harness.js';

const wanted = process.argv.slice(2);
const rows: BenchRow[] = [];
const ctx = createContext(rows);
const suitesDir = join(ctx.root, 'bench', 'suites');
const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
console.log(`Observatory Workbench benchmarks — ${new Date().toISOString()} — node ${process.version}`);
let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(suitesDir, file)).href)) as {
    default: (c: BenchContext) => Promise<void>;
  };
  try {
    await mod.default(ctx);
  } catch (error) {
    failed++;
    console.log(`[${file}] failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;
