import type { SqliteDatabase } from '../catalog/database.js';
import type { EventHub } from './event-hub.js';
import { frameFromRow, jobFromRow, type FrameDbRow, type JobDbRow } from './rows.js';

/**
 * Turns changes other processes make to the catalog (an `owb watch` daemon, a CLI run, this process's
 * job runner) into `owb:jobs.changed` and `owb:sources.added` events. Polling a WAL database is cheap
 * (one indexed query) and works whoever the writer is.
 */
export class JobPoller {
  private timer: NodeJS.Timeout | null = null;
  private lastJobId = 0;
  private lastSourceFrame = 0;
  private lastFrameId = 0;
  private readonly seen = new Map<number, string>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly events: EventHub,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const maxJob = this.db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM jobs').get() as { m: number };
    this.lastJobId = maxJob.m;
    const open = this.db.prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running')").all() as JobDbRow[];
    for (const row of open) this.seen.set(row.id, signature(row));
    const maxFrame = this.db
      .prepare('SELECT COALESCE(MAX(id), 0) AS m FROM frames WHERE processed_at IS NOT NULL')
      .get() as { m: number };
    this.lastSourceFrame = maxFrame.m;
    this.lastFrameId = (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM frames').get() as { m: number }).m;
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  poll(): void {
    try {
      const ids = [...this.seen.keys()];
      const rows = this.db
        .prepare(
          `SELECT * FROM jobs WHERE id > ? ${ids.length ? `OR id IN (${ids.map(() => '?').join(',')})` : ''} ORDER BY id`,
        )
        .all(this.lastJobId, ...ids) as JobDbRow[];
      for (const row of rows) {
        this.lastJobId = Math.max(this.lastJobId, row.id);
        const sig = signature(row);
        if (this.seen.get(row.id) === sig) continue;
        if (row.state === 'queued' || row.state === 'running') this.seen.set(row.id, sig);
        else this.seen.delete(row.id);
        this.events.emit('owb:jobs.changed', jobFromRow(row));
      }
      const added = this.db
        .prepare('SELECT * FROM frames WHERE id > ? ORDER BY id')
        .all(this.lastFrameId) as FrameDbRow[];
      for (const frame of added) {
        this.lastFrameId = frame.id;
        this.events.emit('owb:frames.added', frameFromRow(frame));
      }
      const frames = this.db
        .prepare('SELECT id, source_count FROM frames WHERE processed_at IS NOT NULL AND id > ? ORDER BY id')
        .all(this.lastSourceFrame) as Array<{ id: number; source_count: number | null }>;
      for (const frame of frames) {
        this.lastSourceFrame = frame.id;
        this.events.emit('owb:sources.added', { frameId: frame.id, count: frame.source_count ?? 0 });
      }
    } catch {
      // The database may be mid-migration or locked by a writer: try again next tick.
    }
  }
}

function signature(row: JobDbRow): string {
  return `${row.state}|${row.attempts}|${row.started_at ?? ''}|${row.finished_at ?? ''}|${row.error ?? ''}`;
}
