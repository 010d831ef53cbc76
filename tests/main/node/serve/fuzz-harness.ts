/**
 * Runs `owb serve` (from the sources, as a user would) on a fixture workspace in a child process for the
 * hostile-input fuzz: samples its RSS, fingerprints the catalog and the workspace's files, and says whether
 * the process is still up. Shared by tests/main/node/serve/fuzz.test.ts and bench/serve-fuzz.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

export interface ServeChild {
  port: number;
  token: string;
  child: ChildProcess;
  /** The last 64 KiB of the server's stderr. */
  stderrTail(): string;
  /** Resident set size now, in MB (from /proc), or NaN once it exited. */
  rssMB(): number;
  stop(): Promise<number | null>;
}

export async function startServeChild(workspace: string): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/cli/main.ts', 'serve', '--workspace', workspace, '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-65536);
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line.trim())) resolveUrl(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`owb serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    child,
    stderrTail: () => stderr,
    rssMB: () => {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : Number.NaN;
      } catch {
        return Number.NaN;
      }
    },
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('exit', (code) => done(code));
        child.kill('SIGTERM');
      }),
  };
}

/** SHA-256 over every row of every table of a catalog, read through its own read-only connection. */
export function catalogFingerprint(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>;
    for (const { name } of tables) {
      hash.update(`\u0000${name}\u0000`);
      for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().iterate())
        hash.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

/** Every file under `dir` with its size, except SQLite's WAL and shared-memory files (their size varies). */
export function fileListing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/-(wal|shm)$/.test(entry.name)) out.push(`${relative(dir, path)} ${statSync(path).size}`);
    }
  };
  walk(dir);
  return out.sort();
}
