// `owb serve` under a hostile-input fuzz (issue 25's goal): 10⁵ seeded HTTP, JSON, raw-TCP and WebSocket
// requests (10⁴ with OWB_BENCH_QUICK=1) against one server process; the row gives the request rate, the
// peak RSS against the 300 MB goal, and the checks' outcome (crashes, 5xx, catalog or files changed).
import type { BenchContext } from '../harness.js';
import { runServeFuzzGoal } from '../serve-fuzz.js';

export default async function serveBench(ctx: BenchContext): Promise<void> {
  const summary = await runServeFuzzGoal(ctx.quick ? 10_000 : 100_000);
  ctx.row({
    suite: 'serve',
    task: `hostile-input fuzz, ${summary.iterations} requests`,
    tool: 'owb serve',
    wallSec: summary.seconds,
    peakMB: summary.peakRssMB,
    metrics: {
      'req/s': Math.round(summary.iterations / summary.seconds),
      problems: summary.problems.length,
      'final RSS MB': summary.finalRssMB,
    },
    note: summary.problems.length ? summary.problems.slice(0, 3).join('; ') : 'goal: 0 crashes, RSS ≤ 300 MB: met',
  });
}
