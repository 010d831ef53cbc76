/**
 * Stage timings for `--timings` / `OWB_PROFILE=1` (issue 24): each stage's wall time, the bytes it has to
 * touch, and the time a single streaming pass over those bytes would take at this machine's measured
 * memory bandwidth (its floor), so a report shows both where the time goes and how far each stage is
 * from being memory-bound. Printed to stderr; stdout and the command's results do not change.
 */

/** One timed stage. */
export interface StageTiming {
  stage: string;
  ms: number;
  /** Bytes the stage must read or write at least once (0 when not meaningful). */
  bytes: number;
}

/** True when profiling was asked for (`owb --timings` sets OWB_PROFILE=1 for the command). */
export function profilingEnabled(): boolean {
  return process.env.OWB_PROFILE === '1';
}

/**
 * Collects stage timings. A disabled profiler costs one branch per stage, so callers keep one
 * unconditionally and only `report` checks whether anything should be printed.
 */
export class StageProfiler {
  readonly stages: StageTiming[] = [];
  private readonly started = performance.now();

  constructor(readonly enabled: boolean = profilingEnabled()) {}

  /** Times `fn` as `stage`; `bytes` is what the stage must touch (for the bandwidth floor). */
  async time<T>(stage: string, fn: () => Promise<T>, bytes = 0): Promise<T> {
    if (!this.enabled) return fn();
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.stages.push({ stage, ms: performance.now() - t0, bytes });
    }
  }

  /** Synchronous `time`. */
  timeSync<T>(stage: string, fn: () => T, bytes = 0): T {
    if (!this.enabled) return fn();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.stages.push({ stage, ms: performance.now() - t0, bytes });
    }
  }

  /** Records a stage timed elsewhere (a worker, a callback). */
  add(stage: string, ms: number, bytes = 0): void {
    if (this.enabled) this.stages.push({ stage, ms, bytes });
  }

  /** The report as text (empty when disabled): one row per stage, then the total since construction. */
  format(command: string): string {
    if (!this.enabled) return '';
    const gbps = memoryBandwidthGBps();
    const total = performance.now() - this.started;
    const rows = this.stages.map((s) => {
      const floor = s.bytes > 0 ? (s.bytes / 1e9 / gbps) * 1000 : NaN;
      return [
        s.stage,
        s.ms.toFixed(1),
        ((100 * s.ms) / total).toFixed(1),
        s.bytes > 0 ? (s.bytes / 1e6).toFixed(1) : '-',
        Number.isFinite(floor) ? floor.toFixed(1) : '-',
        Number.isFinite(floor) && floor > 0 ? (s.ms / floor).toFixed(1) : '-',
      ];
    });
    const head = ['stage', 'ms', '%', 'MB', 'floor ms', '×floor'];
    const all = [head, ...rows, ['total', total.toFixed(1), '100.0', '-', '-', '-']];
    const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const lines = all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    return (
      `owb profile: ${command} (floor = one pass over MB at ${gbps.toFixed(1)} GB/s measured copy bandwidth)\n` +
      `${lines.map((l) => `  ${l}`).join('\n')}\n`
    );
  }
}

let bandwidth: number | undefined;

/**
 * This machine's memory bandwidth in GB/s of bytes streamed (read + write counted), from the best of a
 * few 32 MiB typed-array copies; measured once per process (≈ 30 ms) and only when a profile is printed.
 */
export function memoryBandwidthGBps(): number {
  if (bandwidth !== undefined) return bandwidth;
  const n = 8 << 20;
  const a = new Float32Array(n).fill(1);
  const b = new Float32Array(n);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    b.set(a);
    best = Math.min(best, performance.now() - t0);
  }
  bandwidth = (2 * n * 4) / 1e9 / (best / 1000);
  return bandwidth;
}
