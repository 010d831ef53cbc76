// Test helper: a throwaway PostgreSQL 15 server (initdb into a temporary folder, trust auth, loopback only,
// a free port), run as the unprivileged 'postgres' user when the tests run as root.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/** Why a PostgreSQL server with Q3C cannot be started here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  if (!existsSync(join(BIN, 'initdb'))) return `${BIN}/initdb not found (Debian postgresql-15)`;
  if (!existsSync('/usr/share/postgresql/15/extension/q3c.control'))
    return 'Q3C not installed (Debian postgresql-15-q3c)';
  if (userInfo().uid === 0 && spawnSync('id', ['postgres'], { stdio: 'ignore' }).status !== 0)
    return "running as root and there is no 'postgres' user to run the server as";
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(): void;
}

/**
 * `settings`: more server settings (`-c name=value`), e.g. `{ wal_level: 'minimal', max_wal_senders: '0' }`
 * for a bulk-load benchmark; `dir`: the folder to make the throwaway data directory in (default the system's
 * temporary folder).
 */
export async function startPostgres(
  settings: Record<string, string> = {},
  parent: string = tmpdir(),
): Promise<PostgresServer> {
  const dir = mkdtempSync(join(parent, 'owb-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { encoding: 'utf8' })
      : spawnSync(join(BIN, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const stop = (): void => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // best effort: the folder goes anyway
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      [
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
      ].join(' '),
      '-w',
      'start',
    ]);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
