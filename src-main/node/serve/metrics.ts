import { InputError } from '../../../src-workers/core/errors.js';
import type { WorkbenchServices } from '../api/services.js';
import { healthReport } from './health.js';
import { profilingEnabled } from '../profile.js';

/** Counters the server keeps about its own API traffic. */
export class ApiMetrics {
  readonly calls = new Map<string, { ok: number; failed: number; totalMs: number }>();
  wsClients = 0;
  eventsSent = 0;
  /** Events not sent because their client was not reading (its send queue was over the high-water mark). */
  eventsDropped = 0;
  /** WebSocket connections ended by a protocol error of the client (bad frame, message over maxPayload). */
  wsErrors = 0;
  /** WebSocket connections closed because the client stopped reading. */
  wsSlowClosed = 0;

  /** With `--profile` / OWB_PROFILE=1, one stderr line per API call with its time (issue 24). */
  private readonly profile = profilingEnabled();

  observe = (channel: string, ok: boolean, elapsedMs: number): void => {
    if (this.profile)
      process.stderr.write(`owb profile: serve ${channel} ${ok ? 'ok' : 'failed'} ${elapsedMs.toFixed(1)} ms\n`);
    let entry = this.calls.get(channel);
    if (!entry) this.calls.set(channel, (entry = { ok: 0, failed: 0, totalMs: 0 }));
    if (ok) entry.ok++;
    else entry.failed++;
    entry.totalMs += elapsedMs;
  };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Default reporting window of the job rate and latency metrics, seconds [one hour]. */
export const DEFAULT_METRICS_WINDOWS_SEC: readonly number[] = [3600];

/** `300` → `5m`, `3600` → `1h`, `86400` → `1d`, else seconds (`90s`): the `window` label. */
export function windowLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Parses `5m,1h,24h` (units s, m, h, d; a bare number is seconds) into window lengths in seconds. */
export function parseMetricsWindows(text: string): number[] {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
  const out = text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(part);
    const seconds = m ? Number(m[1]) * unit[(m[2] || 's').toLowerCase()] : Number.NaN;
    if (!(seconds >= 1) || !Number.isFinite(seconds) || !Number.isInteger(seconds))
      throw new InputError(
        'BAD_PARAMETER',
        `metrics window '${part.trim()}' must be a whole number of s, m, h or d (≥ 1 s)`,
      );
    return seconds;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Prometheus text exposition (format 0.0.4): jobs by state, processing rate and latency quantiles over
 * each window of `windowsSec` (label `window`, [1h]), catalog table sizes, and API call counts and durations.
 */
export function renderMetrics(
  services: WorkbenchServices,
  api: ApiMetrics,
  windowsSec: readonly number[] = DEFAULT_METRICS_WINDOWS_SEC,
  now = Date.now(),
): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const db = services.db;

  family('owb_jobs', 'gauge', 'Jobs in the catalog by state.');
  const states: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as Array<{
    state: string;
    n: number;
  }>)
    states[r.state] = r.n;
  for (const [state, n] of Object.entries(states)) out.push(`owb_jobs{state="${esc(state)}"} ${n}`);

  const durationsSince = db.prepare(
    "SELECT (finished_at - started_at) / 1000.0 AS s FROM jobs WHERE state = 'done' AND finished_at >= ? AND started_at IS NOT NULL ORDER BY s",
  );
  const windows = windowsSec.map((sec) => ({
    label: windowLabel(sec),
    minutes: sec / 60,
    durations: (durationsSince.all(now - sec * 1000) as Array<{ s: number }>).map((r) => r.s),
  }));
  family('owb_jobs_finished', 'gauge', 'Jobs that finished successfully within the window.');
  for (const w of windows) out.push(`owb_jobs_finished{window="${w.label}"} ${w.durations.length}`);
  family('owb_frames_processed_per_minute', 'gauge', 'Processing rate over the window.');
  for (const w of windows)
    out.push(`owb_frames_processed_per_minute{window="${w.label}"} ${(w.durations.length / w.minutes).toFixed(4)}`);
  family('owb_job_duration_seconds', 'summary', 'Job run time (start to finish) over the window.');
  for (const w of windows) {
    const d = w.durations;
    for (const q of [0.5, 0.9, 0.99]) {
      const v = d.length ? d[Math.min(d.length - 1, Math.floor(q * d.length))] : Number.NaN;
      out.push(
        `owb_job_duration_seconds{window="${w.label}",quantile="${q}"} ${Number.isNaN(v) ? 'NaN' : v.toFixed(4)}`,
      );
    }
    out.push(`owb_job_duration_seconds_sum{window="${w.label}"} ${d.reduce((a, b) => a + b, 0).toFixed(4)}`);
    out.push(`owb_job_duration_seconds_count{window="${w.label}"} ${d.length}`);
  }

  family('owb_catalog_rows', 'gauge', 'Rows per catalog table.');
  for (const table of ['frames', 'sources', 'objects', 'measurements', 'candidates', 'labels', 'masters']) {
    const n = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    out.push(`owb_catalog_rows{table="${table}"} ${n}`);
  }

  family('owb_api_requests_total', 'counter', 'API invocations by channel and outcome.');
  for (const [channel, e] of api.calls) {
    out.push(`owb_api_requests_total{channel="${esc(channel)}",outcome="ok"} ${e.ok}`);
    out.push(`owb_api_requests_total{channel="${esc(channel)}",outcome="error"} ${e.failed}`);
  }
  family('owb_api_request_duration_seconds_sum', 'counter', 'Total time spent answering API invocations.');
  for (const [channel, e] of api.calls)
    out.push(`owb_api_request_duration_seconds_sum{channel="${esc(channel)}"} ${(e.totalMs / 1000).toFixed(6)}`);
  family('owb_watched_folders', 'gauge', 'Watched folders by state (a failed one says why in /health).');
  const folderStates: Record<string, number> = { ok: 0, failed: 0, paused: 0 };
  for (const f of healthReport(services).watchers) folderStates[f.state]++;
  for (const [state, n] of Object.entries(folderStates)) out.push(`owb_watched_folders{state="${state}"} ${n}`);
  family('owb_ws_clients', 'gauge', 'Connected WebSocket clients.');
  out.push(`owb_ws_clients ${api.wsClients}`);
  family('owb_events_sent_total', 'counter', 'Events pushed to WebSocket clients.');
  out.push(`owb_events_sent_total ${api.eventsSent}`);
  family('owb_events_dropped_total', 'counter', 'Events dropped because their client was not reading.');
  out.push(`owb_events_dropped_total ${api.eventsDropped}`);
  family('owb_ws_errors_total', 'counter', 'WebSocket connections ended by a protocol error of the client.');
  out.push(`owb_ws_errors_total ${api.wsErrors}`);
  family('owb_ws_slow_closed_total', 'counter', 'WebSocket connections closed because the client stopped reading.');
  out.push(`owb_ws_slow_closed_total ${api.wsSlowClosed}`);
  return `${out.join('\n')}\n`;
}
