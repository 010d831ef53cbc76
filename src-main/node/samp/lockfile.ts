/**
 * The SAMP Standard Profile lockfile (IVOA SAMP 1.3 §3.3): `key=value` lines naming the hub's secret and XML-RPC
 * URL. Found through `SAMP_HUB=std-lockurl:file:///…`, else `$HOME/.samp`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HubInfo {
  readonly secret: string;
  readonly url: string;
  readonly [key: string]: string;
}

/** Where the lockfile is: `SAMP_HUB`'s std-lockurl (file: only), else `~/.samp`. */
export function lockfilePath(env: NodeJS.ProcessEnv = process.env): string {
  const hub = env.SAMP_HUB;
  if (hub) {
    const m = /^std-lockurl:(.*)$/.exec(hub.trim());
    if (!m) throw new RangeError(`SAMP_HUB='${hub}': only std-lockurl:file:///… is supported`);
    if (!m[1].startsWith('file:')) throw new RangeError(`SAMP_HUB='${hub}': the lockfile must be a file: URL`);
    return fileURLToPath(m[1]);
  }
  return join(env.HOME ?? homedir(), '.samp');
}

export function parseLockfile(text: string, path: string): HubInfo {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  if (!out['samp.secret'] || !out['samp.hub.xmlrpc.url'])
    throw new RangeError(`${path}: not a SAMP lockfile (no samp.secret or samp.hub.xmlrpc.url)`);
  return { ...out, secret: out['samp.secret'], url: out['samp.hub.xmlrpc.url'] };
}

/** The running hub's lockfile, or undefined when there is none. */
export function readLockfile(env: NodeJS.ProcessEnv = process.env): HubInfo | undefined {
  const path = lockfilePath(env);
  if (!existsSync(path)) return undefined;
  return parseLockfile(readFileSync(path, 'utf8'), path);
}

export function formatLockfile(secret: string, url: string): string {
  return [
    '# SAMP Standard Profile lockfile written by Observatory Workbench (owb samp hub)',
    `# ${new Date().toISOString()}`,
    `samp.secret=${secret}`,
    `samp.hub.xmlrpc.url=${url}`,
    'samp.profile.version=1.3',
    '',
  ].join('\n');
}
