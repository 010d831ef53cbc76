/**
 * The workbench on the SAMP bus: sends sources tables, frames and sky positions to DS9, TOPCAT and Aladin,
 * and turns what they send back (`coord.pointAt.sky`, `table.highlight.row`, `table.select.rowList`) into
 * catalog selections for the UI. Tables go out as VOTable files the workbench writes under `samp/` in the
 * workspace, addressed by `file:` URLs (for DS9, a TSV copy it can read: ds9-table.ts); nothing received is ever
 * fetched.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { SqliteDatabase } from '../catalog/database.js';
import { SOURCE_SELECT } from '../catalog/catalog.js';
import { exportRows } from '../catalog/export.js';
import { fluxUnitOf } from '../catalog/export-source.js';
import type { SampSelection } from '../../common/workbench-dto.js';
import { SpatialIndex } from '../catalog/spatial-index.js';
import { SampClient, type SampMap, type SampMessage, type SampPeer } from './client.js';
import { ds9Tsv, sendTable, type TsvCell } from './ds9-table.js';
import type { HubInfo } from './lockfile.js';

export type { SampSelection };

export interface SampLinkOptions {
  db: SqliteDatabase;
  /** Workspace root: tables sent are written to `root/samp/`. */
  root: string;
  onSelect: (selection: SampSelection) => void;
  hub?: HubInfo;
  env?: NodeJS.ProcessEnv;
  /** Nearest object to a pointed-at position is taken within this radius [5″]. */
  matchRadiusArcsec?: number;
}

const RECEIVED = ['coord.pointAt.sky', 'table.highlight.row', 'table.select.rowList'];

/** Sources tables this link sent, by SAMP table-id: the source id of each row, in row order. */
interface SentTable {
  sourceIds: Float64Array;
  frameId: number | null;
}

export class SampLink {
  private readonly sent = new Map<string, SentTable>();
  private tableCount = 0;

  private constructor(
    private readonly client: SampClient,
    private readonly options: SampLinkOptions,
  ) {}

  /** Registers with the running hub (the lockfile, or `options.hub`) as "Observatory Workbench". */
  static async connect(options: SampLinkOptions): Promise<SampLink> {
    // Messages can arrive as soon as the subscriptions are declared, before `connect` returns.
    const holder: { link?: SampLink } = {};
    const client = await SampClient.connect({
      name: 'Observatory Workbench',
      description: 'Observatory Workbench: calibration, detection, photometry and curation',
      subscriptions: RECEIVED,
      hub: options.hub,
      env: options.env,
      onMessage: (message, sender) => holder.link?.receive(message, sender),
    });
    holder.link = new SampLink(client, options);
    return holder.link;
  }

  /** The other tools on the bus; the hub (a registered client too, in SAMP) is not one to send tables to. */
  async clients(): Promise<SampPeer[]> {
    return (await this.client.clients()).filter((c) => c.id !== this.client.hubId);
  }

  /**
   * Sends the sources of `frameId` (or every source) as a VOTable to `to` (a client name) or to everyone
   * subscribed to `table.load.votable`. Returns the table-id and the recipients.
   */
  async sendSources(
    frameId: number | undefined,
    to?: string,
  ): Promise<{ tableId: string; rows: number; to: string[] }> {
    const dir = join(this.options.root, 'samp');
    makeDirs(dir);
    const tableId = `owb-sources-${frameId ?? 'all'}-${++this.tableCount}-${Date.now()}`;
    const path = join(dir, `${tableId}.vot`);
    const where = frameId === undefined ? '' : 'WHERE frame_id = ?';
    const statement = this.options.db.prepare(`${SOURCE_SELECT} ${where} ORDER BY frame_id, idx`);
    const rows = statement.all(...(frameId === undefined ? [] : [frameId])) as Array<Record<string, TsvCell>>;
    await exportRows(rows, 'votable', {
      out: path,
      extname: frameId === undefined ? 'sources' : `frame ${frameId} sources`,
      fluxUnit: fluxUnitOf(this.options.db, frameId),
    });
    this.sent.set(tableId, { sourceIds: Float64Array.from(rows, (r) => Number(r.id)), frameId: frameId ?? null });
    const message: SampMessage = {
      'samp.mtype': 'table.load.votable',
      'samp.params': {
        url: pathToFileURL(path).href,
        'table-id': tableId,
        name: `${frameId === undefined ? 'all' : `frame ${frameId}`} sources`,
      },
    };
    const names = statement.columns().map((c) => c.name);
    const tsv = () =>
      ds9Tsv(
        names,
        rows.map((r) => names.map((n) => r[n])),
      );
    const sent = await sendTable(this.client, { votable: message, name: tableId, tsv }, this.options.root, to);
    return { tableId, rows: rows.length, to: sent };
  }

  /** Sends the frame's FITS file (`image.load.fits`, a `file:` URL of the stored path). */
  async sendImage(frameId: number, to?: string): Promise<string[]> {
    const row = this.options.db.prepare('SELECT path FROM frames WHERE id = ?').get(frameId) as
      { path: string } | undefined;
    if (!row) throw new RangeError(`SAMP: frame ${frameId} does not exist`);
    return this.client.notify(
      {
        'samp.mtype': 'image.load.fits',
        'samp.params': { url: pathToFileURL(row.path).href, 'image-id': `owb-frame-${frameId}`, name: row.path },
      },
      to,
    );
  }

  /** Points the other tools at an ICRS position (`coord.pointAt.sky`, degrees). */
  pointAt(raDeg: number, decDeg: number, to?: string): Promise<string[]> {
    return this.client.notify(
      { 'samp.mtype': 'coord.pointAt.sky', 'samp.params': { ra: String(raDeg), dec: String(decDeg) } },
      to,
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A received message becomes a selection; anything malformed is refused with a SAMP error, never thrown on. */
  /** Received messages are handled one after another, so selections reach the UI in the order sent. */
  private queue: Promise<unknown> = Promise.resolve();

  private receive(message: SampMessage, senderId: string): Promise<SampMap> {
    const run = this.queue.then(() => this.handle(message, senderId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handle(message: SampMessage, senderId: string): Promise<SampMap> {
    // Shown to the user: the tool's samp.name ("TOPCAT"), not its hub id ("c2").
    const sender = (await this.client.clients().catch(() => [])).find((c) => c.id === senderId)?.name ?? senderId;
    const params = message['samp.params'] ?? {};
    const mtype = message['samp.mtype'];
    if (mtype === 'coord.pointAt.sky') {
      const ra = Number(params.ra);
      const dec = Number(params.dec);
      if (!(Number.isFinite(ra) && dec >= -90 && dec <= 90))
        throw new RangeError(
          `coord.pointAt.sky: ra/dec '${String(params.ra)}', '${String(params.dec)}' are not a position`,
        );
      const raDeg = ((ra % 360) + 360) % 360;
      const hit = this.nearestObject(raDeg, dec);
      this.options.onSelect({
        kind: 'sky',
        raDeg,
        decDeg: dec,
        objectId: hit?.id ?? null,
        separationArcsec: hit?.sep ?? null,
        from: sender,
      });
      return {};
    }
    const table = this.sent.get(String(params['table-id'] ?? ''));
    // Rows of a table this link did not send (or from an earlier session) cannot be mapped to sources.
    if (!table)
      throw new RangeError(
        `${mtype}: table-id '${String(params['table-id'] ?? '')}' is not a table this workbench sent`,
      );
    const rows =
      mtype === 'table.highlight.row' ? [params.row] : Array.isArray(params['row-list']) ? params['row-list'] : [];
    const sourceIds: number[] = [];
    for (const r of rows) {
      const i = Number(r);
      if (!Number.isInteger(i) || i < 0 || i >= table.sourceIds.length)
        throw new RangeError(`${mtype}: row '${String(r)}' is not in the table (0..${table.sourceIds.length - 1})`);
      sourceIds.push(table.sourceIds[i]);
    }
    this.options.onSelect({ kind: 'sources', sourceIds, frameId: table.frameId, from: sender });
    return {};
  }

  private nearestObject(ra: number, dec: number): { id: number; sep: number } | undefined {
    const hit = new SpatialIndex(this.options.db).cone(ra, dec, this.options.matchRadiusArcsec ?? 5)[0];
    return hit && { id: hit.id, sep: hit.distanceArcsec };
  }
}
