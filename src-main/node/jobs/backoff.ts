/**
 * Delay before a failed job is tried again: exponential in the attempt number, capped, with "equal jitter"
 * (half the delay fixed, half uniformly random; AWS Architecture Blog, "Exponential Backoff and Jitter").
 * The growth keeps a failing dependency (a full disk, a locked file) from being hammered; the jitter keeps
 * the jobs of one burst, which all failed together, from all coming back in the same instant.
 */
export interface BackoffOptions {
  /** Delay after the first failed attempt, before jitter, ms [500]. */
  baseMs?: number;
  /** Upper bound of the delay before jitter, ms [300000]. */
  maxMs?: number;
  /** Uniform [0, 1) source [Math.random]. */
  random?: () => number;
}

/** The wait after failed attempt number `attempt` (1 = the first try failed): in [d/2, d], d = min(max, base·2^(attempt−1)). */
export function retryDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = Math.max(0, options.baseMs ?? 500);
  const max = Math.max(base, options.maxMs ?? 300_000);
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n−1) overflows to Infinity for huge n; min() caps it first.
  const d = Math.min(max, base * Math.pow(2, Math.min(n - 1, 60)));
  const r = (options.random ?? Math.random)();
  return Math.round(d / 2 + (d / 2) * Math.min(Math.max(r, 0), 1));
}
