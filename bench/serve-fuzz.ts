/**
 * The issue-25 goal run of the `owb serve` hostile-input fuzz: 10⁵ seeded requests (HTTP, JSON bodies, raw
 * TCP, WebSocket frames) against one `owb serve` child process, then the same checks as
 * tests/main/node/serve/fuzz.test.ts (process up, no 5xx, no reset of a well-formed request, peak RSS ≤ 300 MB,
 * catalog and workspace files unchanged). Run by `npm run bench serve` (10⁴ with OWB_BENCH_QUICK=1), or alone:
 * `node --import tsx bench/serve-fuzz.ts [ITERATIONS] [SEED]`, which prints the summary and exits 1 on a problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFixtureWorkspace } from '../tests/e2e/fixture-workspace.js';
import { catalogFingerprint, fileListing, startServeChild } from '../tests/main/node/serve/fuzz-harness.js';
import { httpRequest } from '../tests/main/node/serve/raw-client.js';
import { fuzzServe } from '../tests/main/node/serve/serve-fuzz.js';

export interface FuzzGoalSummary {
  iterations: number;
  seconds: number;
  peakRssMB: number;
  finalRssMB: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  /** Empty when every check held. */
  problems: string[];
}

/** Runs `iterations` fuzzed requests against a fresh `owb serve` and checks the goals. */
export async function runServeFuzzGoal(iterations: number, seed = 25): Promise<FuzzGoalSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'owb-fuzz-'));
  createFixtureWorkspace(dir, { frames: 2, sizePx: 128, starCount: 6 });
  const serve = await startServeChild(dir);
  const problems: string[] = [];
  try {
    const catalogBefore = catalogFingerprint(join(dir, 'catalog.db'));
    const filesBefore = fileListing(dir);
    const started = Date.now();
    let peakMB = serve.rssMB();
    const sampler = setInterval(() => (peakMB = Math.max(peakMB, serve.rssMB())), 100);
    const report = await fuzzServe({
      port: serve.port,
      token: serve.token,
      iterations,
      seed,
      onProgress: (done) => {
        if (done % 10_000 === 0)
          process.stderr.write(`fuzz-serve: ${done}/${iterations}, RSS ${serve.rssMB().toFixed(0)} MB\n`);
      },
    });
    clearInterval(sampler);
    peakMB = Math.max(peakMB, serve.rssMB());
    if (serve.child.exitCode !== null) problems.push(`owb serve exited (${serve.child.exitCode})`);
    else if ((await httpRequest(serve.port, { path: '/health' })).status !== 200) problems.push('/health is not 200');
    problems.push(...report.failures);
    if (peakMB > 300) problems.push(`peak RSS ${peakMB.toFixed(0)} MB > 300 MB`);
    if (catalogFingerprint(join(dir, 'catalog.db')) !== catalogBefore) problems.push('the catalog changed');
    if (JSON.stringify(fileListing(dir)) !== JSON.stringify(filesBefore)) problems.push('workspace files changed');
    if (/internal error [0-9a-f]{12}/.test(serve.stderrTail())) problems.push('an internal error was logged');
    return {
      iterations: report.iterations,
      seconds: (Date.now() - started) / 1000,
      peakRssMB: Math.round(peakMB),
      finalRssMB: Math.round(serve.rssMB()),
      byKind: report.byKind,
      statuses: report.statuses,
      problems,
    };
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = await runServeFuzzGoal(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 25));
  console.log(JSON.stringify(summary, null, 1));
  process.exitCode = summary.problems.length ? 1 : 0;
}
