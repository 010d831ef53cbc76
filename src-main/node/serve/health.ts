import type { WorkbenchServices } from '../api/services.js';

/** One watched folder as `/health` reports it. */
export interface WatcherHealth {
  path: string;
  state: 'ok' | 'failed' | 'paused';
  reason: string | null;
}

/** The body of `GET /health` (no token needed): the process is up, and how each watched folder is doing. */
export interface HealthReport {
  status: 'ok';
  version: string;
  watchers: WatcherHealth[];
}

/**
 * What `/health` answers. `status` is about the process (it answers, so it is up); a failed watched folder
 * shows in `watchers` with its reason and does not make the service unhealthy, since the rest keeps running.
 */
export function healthReport(services: WorkbenchServices): HealthReport {
  let watchers: WatcherHealth[] = [];
  try {
    watchers = (services.watch?.list() ?? []).map((f) => ({
      path: f.path,
      state: f.state ?? (f.paused ? 'paused' : 'ok'),
      reason: f.reason ?? null,
    }));
  } catch {
    // The health route must answer whatever the watcher does.
  }
  return { status: 'ok', version: services.version, watchers };
}
