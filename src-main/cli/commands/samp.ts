import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SampClient, type SampMessage } from '../../node/samp/client.js';
import { ds9Tsv, sendTable } from '../../node/samp/ds9-table.js';
import { SampHub } from '../../node/samp/hub.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb samp send (--table FILE | --image FILE | --sky RA,DEC) [--to CLIENT_NAME]
       owb samp clients
       owb samp hub

Talks SAMP 1.3 (Standard Profile) with DS9, TOPCAT, Aladin and other VO tools on this machine. The hub is
found through SAMP_HUB (std-lockurl:file:///…) or ~/.samp.

  send     --table FILE   table.load.votable (a VOTable; owb catalog … --format votable --out FILE makes one)
           --image FILE   image.load.fits
           --sky RA,DEC   coord.pointAt.sky, ICRS degrees (e.g. --sky=83.63,-5.39)
           --to NAME      only the client of that samp.name (e.g. ds9, topcat, Aladin); default: every
                          subscribed client. Prints who received it. DS9 (SAOImageDS9) gets a table as a
                          TSV copy in the workspace's samp/ folder, loaded with 'catalog import tsv'.
  clients  lists the registered clients
  hub      runs a hub (loopback only, a random secret in a 0600 lockfile) until Ctrl+C, when none runs
`;

export const command: CliCommand = {
  name: 'samp',
  summary: 'send tables, images and sky positions to DS9, TOPCAT and Aladin over SAMP, or run a hub',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('samp', argv, {
      table: { type: 'string' },
      image: { type: 'string' },
      sky: { type: 'string' },
      to: { type: 'string' },
    });
    const [sub] = positionals;
    if (sub === 'hub') {
      const hub = await SampHub.start({ log: (l) => ctx.stderr.write(`${l}\n`) }).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      ctx.stdout.write(`owb samp hub: running at ${hub.url}\n`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void hub.stop().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return 0;
    }
    if (sub !== 'send' && sub !== 'clients')
      throw new UsageError(`samp: expected send, clients or hub, got '${sub ?? ''}'`);
    let message: SampMessage | undefined;
    if (sub === 'send') message = messageOf(values);
    const client = await SampClient.connect({ name: 'owb', description: 'Observatory Workbench command line' }).catch(
      (e: Error) => {
        throw new UsageError(e.message);
      },
    );
    try {
      if (!message) {
        for (const c of await client.clients()) ctx.stdout.write(`${c.id}\t${c.name}\n`);
        return 0;
      }
      const table = values.table === undefined ? undefined : resolve(values.table);
      const sent = table
        ? sendTable(
            client,
            { votable: message, name: basename(table), tsv: () => tsvOf(table) },
            workspace(),
            values.to,
          )
        : client.notify(message, values.to);
      const to = await sent.catch((e: Error) => {
        throw new UsageError(e.message);
      });
      const names = new Map((await client.clients()).map((c) => [c.id, c.name]));
      ctx.stdout.write(
        to.length
          ? `owb samp: ${message['samp.mtype']} sent to ${to.map((id) => names.get(id) ?? id).join(', ')}\n`
          : `owb samp: no client is subscribed to ${message['samp.mtype']}\n`,
      );
      return to.length ? 0 : 1;
    } finally {
      await client.close();
    }
  },
};

/** The workspace whose `samp/` folder holds the copies made for DS9: `$OWB_WORKSPACE`, else the working directory. */
const workspace = () => process.env.OWB_WORKSPACE || process.cwd();

/** The table file (VOTable, ECSV, FITS or CSV) as DS9's TSV. */
async function tsvOf(file: string): Promise<string> {
  const { readReferenceTable } = await import('../../node/catalog/reference/index.js');
  const table = await readReferenceTable(file);
  const rows = function* () {
    for (let r = 0; r < table.rows; r++) yield table.columns.map((c) => c.values[r]);
  };
  return ds9Tsv(
    table.columns.map((c) => c.name),
    rows(),
  );
}

function messageOf(values: { table?: string; image?: string; sky?: string }): SampMessage {
  const given = [values.table, values.image, values.sky].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('samp send: give exactly one of --table FILE, --image FILE, --sky RA,DEC');
  if (values.sky !== undefined) {
    const parts = values.sky.split(',').map((p) => Number(p.trim()));
    const [ra, dec] = parts;
    if (parts.length !== 2 || !(ra >= 0 && ra < 360) || !(dec >= -90 && dec <= 90))
      throw new UsageError(`samp send: --sky wants RA,DEC in degrees (0 ≤ RA < 360, |DEC| ≤ 90), got '${values.sky}'`);
    return { 'samp.mtype': 'coord.pointAt.sky', 'samp.params': { ra: String(ra), dec: String(dec) } };
  }
  const file = resolve((values.table ?? values.image) as string);
  if (!existsSync(file)) throw new UsageError(`samp send: ${file}: no such file`);
  const url = pathToFileURL(file).href;
  return values.table !== undefined
    ? { 'samp.mtype': 'table.load.votable', 'samp.params': { url, name: basename(file), 'table-id': url } }
    : { 'samp.mtype': 'image.load.fits', 'samp.params': { url, name: basename(file), 'image-id': url } };
}
