import type { WorkbenchServices } from '../api/services.js';

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

  observe = (channel: string, ok: boolean, elapsedMs: number): void => {
    let entry = this.calls.get(channel);
    if (!entry) this.calls.set(channel, (entry = { ok: 0, failed: 0, totalMs: 0 }));
    if (ok) entry.ok++;
    else entry.failed++;
    entry.totalMs += elapsedMs;
  };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Prometheus text exposition (format 0.0.4): jobs by state, processing rate and latency quantiles over
 * the last hour, catalog table sizes, and API call counts and durations.
 */
export function renderMetrics(services: WorkbenchServices, api: ApiMetrics): string {
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

  const hourAgo = Date.now() - 3_600_000;
  const durations = (
    db
      .prepare(
        "SELECT (finished_at - started_at) / 1000.0 AS s FROM jobs WHERE state = 'done' AND finished_at >= ? AND started_at IS NOT NULL ORDER BY s",
      )
      .all(hourAgo) as Array<{ s: number }>
  ).map((r) => r.s);
  family('owb_jobs_finished_last_hour', 'gauge', 'Jobs that finished successfully in the last hour.');
  out.push(`owb_jobs_finished_last_hour ${durations.length}`);
  family('owb_frames_processed_per_minute', 'gauge', 'Processing rate over the last hour.');
  out.push(`owb_frames_processed_per_minute ${(durations.length / 60).toFixed(4)}`);
  family('owb_job_duration_seconds', 'summary', 'Job run time (start to finish) over the last hour.');
  for (const q of [0.5, 0.9, 0.99]) {
    const v = durations.length
      ? durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]
      : Number.NaN;
    out.push(`owb_job_duration_seconds{quantile="${q}"} ${Number.isNaN(v) ? 'NaN' : v.toFixed(4)}`);
  }
  out.push(`owb_job_duration_seconds_sum ${durations.reduce((a, b) => a + b, 0).toFixed(4)}`);
  out.push(`owb_job_duration_seconds_count ${durations.length}`);

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
