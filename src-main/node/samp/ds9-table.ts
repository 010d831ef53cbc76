/**
 * Tables for SAOImage DS9 over SAMP. DS9 subscribes to `table.load.votable`, but its VOTable reader needs the Tcl
 * `xml` package, which Debian's saods9 8.4.1 never loads, so a VOTable sent to it arrives as an empty catalog. DS9
 * reads tab-separated text in every build (`TSVRead`, library/tsv.tcl: a line of column names, then one line per
 * row), so a DS9 recipient gets a TSV copy of the table, written in the workspace, and the `ds9.set` message
 * `catalog import tsv FILE` (DS9's SAMP MType for its command language) instead.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { SampClient, SampMessage, SampPeer } from './client.js';

/** DS9's `samp.name`. */
export const DS9_NAME = 'SAOImageDS9';

/** Names users type for a client, beside its `samp.name` (matched case-insensitively). */
const ALIASES: Record<string, string> = { ds9: DS9_NAME.toLowerCase() };

/** Whether `peer` answers to `name`: its id, its `samp.name` or an alias of it, whatever the case. */
export function peerIsNamed(peer: SampPeer, name: string): boolean {
  const wanted = name.toLowerCase();
  const own = peer.name.toLowerCase();
  return peer.id === name || own === wanted || ALIASES[wanted] === own;
}

export function isDs9(peer: SampPeer): boolean {
  return peer.name.toLowerCase() === DS9_NAME.toLowerCase();
}

export type TsvCell = number | string | bigint | boolean | null | undefined;

/**
 * The table as DS9's TSV reader takes it: names then rows, tab-separated, an empty field for a null or NaN. DS9
 * splits on tabs, squeezes runs of spaces and drops double quotes, so those never appear inside a field; numbers
 * keep every digit (shortest round-trip form).
 */
export function ds9Tsv(names: readonly string[], rows: Iterable<readonly TsvCell[]>): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ').replace(/"/g, "'");
  const lines = [names.map((n) => clean(n).replace(/ /g, '_') || '_').join('\t')];
  for (const row of rows)
    lines.push(
      row
        .map((v) =>
          v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))
            ? ''
            : typeof v === 'string'
              ? clean(v)
              : String(v),
        )
        .join('\t'),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `tsv` as `root/samp/NAME.tsv` (the workspace's folder for what it sends over SAMP) and returns the
 * `ds9.set` message that makes DS9 load it as a catalog. A file name DS9's command parser cannot quote is refused.
 */
export async function ds9CatalogMessage(root: string, name: string, tsv: string): Promise<SampMessage> {
  const dir = join(root, 'samp');
  makeDirs(dir);
  const path = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.tsv`);
  if (/[{}\n]/.test(path)) throw new RangeError(`SAMP: ${path}: DS9 cannot be given a file name with { } or a newline`);
  await writeFile(path, tsv);
  return {
    'samp.mtype': 'ds9.set',
    'samp.params': { cmd: `catalog import tsv ${/\s/.test(path) ? `{${path}}` : path}` },
  };
}

/**
 * Sends a table to `to` (a name, id or alias), or to every client subscribed to `table.load.votable`: DS9 gets
 * `tsv()` written under `root/samp/` and loaded with `ds9.set` (a call, so a failure is reported), every other
 * client `votable`. Returns the recipients' ids.
 */
export async function sendTable(
  client: SampClient,
  table: { votable: SampMessage; name: string; tsv: () => string | Promise<string> },
  root: string,
  to?: string,
): Promise<string[]> {
  const targets = to ? [await client.peerNamed(to)] : await client.subscribedPeers(table.votable['samp.mtype']);
  let forDs9: SampMessage | undefined;
  for (const peer of targets) {
    if (!isDs9(peer)) {
      await client.notify(table.votable, peer.id);
      continue;
    }
    forDs9 ??= await ds9CatalogMessage(root, table.name, await table.tsv());
    const reply = await client.callAndWait(forDs9, peer.id, 60);
    if (reply['samp.status'] === 'samp.error') {
      const error = reply['samp.error'] as Record<string, unknown> | undefined;
      throw new RangeError(`SAMP: DS9 did not load ${table.name}: ${String(error?.['samp.errortxt'] ?? 'error')}`);
    }
  }
  return targets.map((p) => p.id);
}
