import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const PY = '/usr/bin/python3';

/**
 * Starts the astropy peer (astropy-peer.py) with HOME=`home` and resolves with a reader of its JSON lines once
 * it is registered. `extraEnv` switches on optional behaviours of the peer (see the script).
 */
export async function astropyPeer(
  lockfile: string,
  mode: 'hub' | 'client',
  home: string,
  extraEnv: Record<string, string> = {},
) {
  const proc: ChildProcessWithoutNullStreams = spawn(
    PY,
    [resolve(import.meta.dirname, 'astropy-peer.py'), lockfile, mode],
    { env: { ...process.env, HOME: home, ...extraEnv } },
  );
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: proc.stdout }).on('line', (l) => {
    // astropy's hub logs INFO lines on stdout too; the peer's own lines are JSON objects.
    if (!l.startsWith('{')) return;
    lines.push(JSON.parse(l) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (pred: (o: Record<string, unknown>) => boolean, what: string) => {
    // Generous: a loaded machine exports and sends slowly; a peer that never hears fails the test all the same.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`astropy peer: no ${what}\n${stderr}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  await next((o) => o.ready === true, 'registration');
  return {
    next,
    send: (cmd: string) => proc.stdin.write(`${cmd}\n`),
    stop: async () => {
      proc.stdin.end('quit\n');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}
