import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import { hasChecksumKeys } from '../../../src-workers/core/fits/index.js';
import { verifyFileChecksums } from '../../../src-workers/io/fits-checksum.js';
import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import type { FrameMeta, IngestRequest, IngestResult } from '../catalog/index.js';
import { frameMetaFromHeader, profileSite } from '../pipeline/frame-meta.js';
import type { Profile } from '../pipeline/profile.js';
import { errorMessage } from '../../common/file-errors.js';
import { contentHash } from './content-hash.js';

interface Observation {
  sizeBytes: number;
  mtimeMs: number;
  firstSeen: number;
  /** Consecutive sweeps that saw the same size and mtime. */
  stableSweeps: number;
}

export interface IngestEvent extends IngestResult {
  path: string;
  /** Set when the file was taken although its FITS structure is incomplete or unreadable. */
  problem?: string;
  /** CHECKSUM/DATASUM mismatches (`HDU 1: DATASUM does not match the data`); the frame is flagged `bad`. */
  checksumProblems?: string[];
}

/** A file the ingester stopped waiting for (it stays where it is, and is taken if it changes again). */
export interface GiveUpEvent {
  path: string;
  /** Why, in a user's words: `empty file (0 bytes)`, `still changing after 600 s`, `permission denied`. */
  reason: string;
  /** Refused for a CHECKSUM/DATASUM mismatch under `strictChecksums`. */
  badChecksum?: boolean;
}

/** Where frames are ingested: the SQLite `FrameStore` (synchronous) or the PostgreSQL `PgFrameStore`. */
export interface IngestStore {
  knownUnchanged(path: string, sizeBytes: number, mtimeMs: number): number | undefined | Promise<number | undefined>;
  ingest(request: IngestRequest): IngestResult | Promise<IngestResult>;
}

export interface IngesterOptions {
  store: IngestStore;
  profile: Profile;
  /** Files checked, hashed and ingested at once [4]. */
  concurrency?: number;
  /**
   * Keep waiting for a FITS file whose header promises more data than it has (a copy in progress) until
   * `profile.stability.giveUpMs` [true]. `owb watch --once` takes such a file at once, and its job fails.
   */
  waitForIncomplete?: boolean;
  /**
   * Refuse a FITS file whose CHECKSUM or DATASUM does not match (`--strict`): it is given up on, naming the
   * HDU, and not ingested [false: ingested, flagged `bad` in the catalog, with a warning].
   */
  strictChecksums?: boolean;
}

/** Reader codes that a copy still in progress produces (a gzip stream cut short reads as bad compression). */
const FITS_INCOMPLETE = new Set(['FITS_TRUNCATED', 'FITS_NO_END', 'FITS_BAD_COMPRESSION']);

/**
 * Takes files only when complete: size and modification time unchanged across a stability interval
 * (files already older than the interval are taken at once), and for FITS every HDU's promised data
 * present. Then hashes the content and ingests frame, path and job in one transaction. Work in memory is
 * the list of paths; everything else waits in the database.
 */
export class Ingester {
  private readonly events = new EventEmitter();
  private readonly pending = new Map<string, Observation>();
  private readonly ready: Array<{ path: string; firstSeen: number }> = [];
  private readonly readySet = new Set<string>();
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private sweeping = false;
  private readonly concurrency: number;
  readonly counters = { ingested: 0, duplicates: 0, skipped: 0, gaveUp: 0 };
  /** The most recent files given up on (at most 1000, oldest first). */
  readonly gaveUp: GiveUpEvent[] = [];

  constructor(private readonly options: IngesterOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  onDidIngest(listener: (event: IngestEvent) => void): () => void {
    this.events.on('ingest', listener);
    return () => this.events.off('ingest', listener);
  }

  onDidError(listener: (event: { path: string; error: Error }) => void): () => void {
    this.events.on('failure', listener);
    return () => this.events.off('failure', listener);
  }

  /**
   * A file given up on: empty or still changing after `profile.stability.giveUpMs` (at once for an empty
   * file in `--once` mode), or unreadable. The file is left alone.
   */
  onDidGiveUp(listener: (event: GiveUpEvent) => void): () => void {
    this.events.on('giveup', listener);
    return () => this.events.off('giveup', listener);
  }

  /** Files seen but not yet ingested. */
  get backlog(): number {
    return this.pending.size + this.ready.length + this.active;
  }

  /** Notes a file to take once it is complete. */
  submit(path: string): void {
    if (this.stopped) return;
    if (this.pending.has(path) || this.readySet.has(path)) return;
    this.pending.set(path, { sizeBytes: -1, mtimeMs: -1, firstSeen: Date.now(), stableSweeps: 0 });
    if (!this.timer) {
      this.timer = setInterval(() => void this.sweep(), this.options.profile.stability.intervalMs);
      this.timer.unref();
    }
    queueMicrotask(() => void this.sweep());
  }

  /** Resolves when every submitted file has been ingested or dropped. */
  async flush(): Promise<void> {
    while (this.backlog > 0) await new Promise<void>((resolve) => this.events.once('progress', resolve));
  }

  /** Stops taking files: forgets those not yet taken and waits for the ones being ingested. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.ready.length = 0;
    this.readySet.clear();
    this.events.emit('progress');
    while (this.active > 0) await new Promise<void>((resolve) => this.events.once('progress', resolve));
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      const interval = this.options.profile.stability.intervalMs;
      const giveUpMs = this.options.profile.stability.giveUpMs;
      const waitForIncomplete = this.options.waitForIncomplete ?? true;
      const paths = [...this.pending.keys()];
      // Stat in slices so that 10 000 new files do not open 10 000 handles at once.
      for (let i = 0; i < paths.length; i += 256) {
        await Promise.all(
          paths.slice(i, i + 256).map(async (path) => {
            const seen = this.pending.get(path);
            if (!seen) return;
            let info;
            try {
              info = await stat(path);
            } catch {
              this.pending.delete(path); // gone (moved or deleted before it was complete)
              return;
            }
            if (!info.isFile()) {
              this.pending.delete(path);
              return;
            }
            const same = info.size === seen.sizeBytes && info.mtimeMs === seen.mtimeMs;
            seen.stableSweeps = same ? seen.stableSweeps + 1 : 0;
            const firstLook = seen.sizeBytes < 0;
            seen.sizeBytes = info.size;
            seen.mtimeMs = info.mtimeMs;
            const oldEnough = firstLook && now - info.mtimeMs >= 2 * interval;
            const stable = oldEnough || seen.stableSweeps >= 1;
            if (info.size > 0 && stable) {
              this.pending.delete(path);
              this.ready.push({ path, firstSeen: seen.firstSeen });
              this.readySet.add(path);
            } else if (info.size === 0 && stable && !waitForIncomplete) {
              // `--once` promises to fail rather than wait: an empty file is reported, not waited for.
              this.giveUp(path, 'empty file (0 bytes)');
            } else if (now - seen.firstSeen >= giveUpMs) {
              const waited = `${Math.round((now - seen.firstSeen) / 1000)} s`;
              this.giveUp(
                path,
                info.size === 0 ? `still empty (0 bytes) after ${waited}` : `still changing after ${waited}`,
              );
            }
          }),
        );
      }
    } finally {
      this.sweeping = false;
    }
    this.pump();
    this.events.emit('progress');
    if (this.pending.size === 0 && this.ready.length === 0 && this.active === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private pump(): void {
    while (!this.stopped && this.active < this.concurrency && this.ready.length) {
      const { path, firstSeen } = this.ready.shift() as { path: string; firstSeen: number };
      this.readySet.delete(path);
      this.active++;
      void this.take(path, firstSeen)
        .catch((error: unknown) => {
          // A file that cannot be read (permission denied, a link to nothing) is reported, never retried
          // in a loop; it is taken again when it changes.
          this.giveUp(path, errorMessage(error), false);
          this.events.emit('failure', { path, error: error as Error });
        })
        .finally(() => {
          this.active--;
          this.pump();
          this.events.emit('progress');
        });
    }
  }

  private giveUp(path: string, reason: string, pending = true, badChecksum = false): void {
    if (pending) this.pending.delete(path);
    const event: GiveUpEvent = badChecksum ? { path, reason, badChecksum } : { path, reason };
    this.counters.gaveUp++;
    this.gaveUp.push(event);
    if (this.gaveUp.length > 1000) this.gaveUp.shift();
    this.events.emit('giveup', event);
  }

  private requeue(path: string, firstSeen: number): void {
    if (this.stopped) return;
    this.pending.set(path, { sizeBytes: -1, mtimeMs: -1, firstSeen, stableSweeps: 0 });
    if (!this.timer) {
      this.timer = setInterval(() => void this.sweep(), this.options.profile.stability.intervalMs);
      this.timer.unref();
    }
  }

  private async take(path: string, firstSeen: number): Promise<void> {
    const { store, profile } = this.options;
    let before;
    try {
      before = await stat(path);
    } catch {
      return;
    }
    if ((await store.knownUnchanged(path, before.size, before.mtimeMs)) !== undefined) {
      this.counters.skipped++;
      return;
    }
    let meta: FrameMeta = {};
    let problem: string | undefined;
    let checksumProblems: string[] | undefined;
    try {
      const structure = await readFitsStructure(path);
      const imageIndex = firstImageHdu(structure.hdus);
      const primary: FitsHeader = structure.hdus[0].header;
      meta = frameMetaFromHeader(primary, imageIndex > 0 ? structure.hdus[imageIndex].header : primary, {
        site: profileSite(profile.site),
      });
      // Integrity (issue 23): verified before hashing, so a file changing meanwhile is requeued below.
      // Files without CHECKSUM/DATASUM cost nothing more than their headers.
      meta.checksumState = 'absent';
      if (structure.hdus.some((h) => hasChecksumKeys(h.header))) {
        const sums = await verifyFileChecksums(path, structure.hdus);
        meta.checksumState = sums.state;
        if (sums.problems.length) {
          if (this.options.strictChecksums) {
            this.giveUp(path, `bad checksum: ${sums.problems.join('; ')}`, false, true);
            return;
          }
          checksumProblems = sums.problems;
          meta.checksumNote = sums.problems.join('; ');
        }
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const waited = Date.now() - firstSeen;
      if (
        FITS_INCOMPLETE.has(code) &&
        (this.options.waitForIncomplete ?? true) &&
        waited < profile.stability.giveUpMs
      ) {
        this.requeue(path, firstSeen); // a copy still in progress: look again after the next interval
        return;
      }
      // Unreadable or given up on: ingest anyway so the job fails with the reason, visible in the jobs table.
      problem = (error as Error).message;
    }
    const hash = await contentHash(path, before.size);
    const after = await stat(path).catch(() => undefined);
    if (!after) return;
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      this.requeue(path, firstSeen);
      return;
    }
    if (this.stopped) return;
    const result = await store.ingest({
      contentHash: hash,
      path,
      fileName: basename(path),
      sizeBytes: after.size,
      mtimeMs: after.mtimeMs,
      meta,
      job: { kind: 'process-frame', profile: profile.name, maxAttempts: profile.jobs.maxAttempts },
    });
    if (result.isNew) this.counters.ingested++;
    else this.counters.duplicates++;
    this.events.emit('ingest', { ...result, path, problem, checksumProblems } satisfies IngestEvent);
  }
}
