// The workbench on a SAMP bus with astropy.samp's client as the other tool: tables it is sent are VOTables
// astropy reads, and the positions and rows it sends back become catalog selections.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { SampHub } from '../../../../src-main/node/samp/hub.js';
import { SampLink, type SampSelection } from '../../../../src-main/node/samp/workbench-link.js';
import { astropyPeer, PY } from './astropy-peer.js';

const hasSamp = existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.samp'], { stdio: 'ignore' }).status === 0;
const skip = hasSamp ? false : 'needs /usr/bin/python3 with astropy.samp';
const dir = mkdtempSync(join(tmpdir(), 'owb-samp-link-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RA = [10.5 + 1.2 / 3600, 10.6, 10.4, 10.55];
const DEC = [-20.25, -20.3, -20.2, -20.25 + 30 / 3600];

describe('SAMP link of the workbench', { skip }, () => {
  let catalog: Catalog;
  let hub: SampHub;
  let peer: Awaited<ReturnType<typeof astropyPeer>>;
  let link: SampLink;
  const selections: SampSelection[] = [];
  const lockfile = join(dir, 'hub.samp');
  const env = { SAMP_HUB: `std-lockurl:${pathToFileURL(lockfile).href}` };

  before(async () => {
    catalog = Catalog.open(join(dir, 'catalog.db'));
    const { frameId } = new FrameStore(catalog.db).ingest({
      contentHash: 'f',
      path: join(dir, 'frame.fits'),
      fileName: 'frame.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light', filter: 'V', mjd: 60000 },
    });
    catalog.db.transaction(() =>
      new FrameResultWriter(catalog.db).write(frameId, {
        width: 10,
        height: 10,
        quality: {},
        ran: [],
        skipped: [],
        sources: {
          count: 4,
          x: Float64Array.from([1, 2, 3, 4]),
          y: Float64Array.from([1, 2, 3, 4]),
          ra: Float64Array.from(RA),
          dec: Float64Array.from(DEC),
          flux: Float64Array.from([10, 20, 30, 40]),
        },
      }),
    )();
    hub = await SampHub.start({ env });
    peer = await astropyPeer(lockfile, 'client', dir, { PEER_SELECT_ROWS: '1' });
    link = await SampLink.connect({ db: catalog.db, root: dir, env, onSelect: (s) => selections.push(s) });
  });
  after(async () => {
    await link?.close();
    await peer?.stop();
    await hub?.stop();
    catalog?.close();
  });

  it('lists the other tools on the hub, not the hub', async () => {
    const clients = await link.clients();
    assert.deepEqual(
      clients.map((c) => c.name),
      ['astropy-peer'],
      'the hub itself is not offered as a tool',
    );
  });

  it("sends a frame's sources as a VOTable astropy reads, in the workspace, and maps the peer's answers", async () => {
    const sent = await link.sendSources(1, 'astropy-peer');
    assert.equal(sent.rows, 4);
    const got = await peer.next((o) => o.got === 'table.load.votable', 'the table');
    const params = got.params as Record<string, string>;
    assert.equal(params['table-id'], sent.tableId);
    const path = fileURLToPath(params.url);
    assert.ok(path.startsWith(join(dir, 'samp')), path);
    const read = spawnSync(
      PY,
      [
        '-c',
        `from astropy.io.votable import parse_single_table as p; t = p(${JSON.stringify(path)}, verify='exception').to_table(); print(len(t), t['ra'].unit, t['ra'].info.meta.get('ucd'))`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(read.status, 0, read.stderr);
    assert.equal(read.stdout.trim(), '4 deg pos.eq.ra;meta.main');
    // The peer answers with coord.pointAt.sky at (10.5, -20.25), then row 2 highlighted, rows 0 and 3 selected,
    // and a row of a table we never sent (refused, nothing selected).
    const deadline = Date.now() + 20_000;
    while (selections.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const sky = selections.find((s) => s.kind === 'sky');
    assert.ok(sky && sky.kind === 'sky');
    assert.equal(sky.objectId, 1, 'the object 1.2″ away, not the one 30″ away');
    assert.equal(sky.from, 'astropy-peer', 'the sender by its samp.name');
    assert.ok(
      Math.abs((sky.separationArcsec ?? 0) - 1.2 * Math.cos((20.25 * Math.PI) / 180)) < 1e-3,
      `${sky.separationArcsec}`,
    );
    const rows = selections.filter((s) => s.kind === 'sources');
    assert.deepEqual(
      rows.map((s) => (s.kind === 'sources' ? s.sourceIds : [])),
      [[3], [1, 4]],
    );
    assert.equal(selections.length, 3);
  });

  it('sends a position and an image to the peer', async () => {
    await link.pointAt(201.365, -43.019, 'astropy-peer');
    const p = await peer.next((o) => o.got === 'coord.pointAt.sky', 'the position');
    assert.deepEqual(p.params, { ra: '201.365', dec: '-43.019' });
    await link.sendImage(1, 'astropy-peer');
    const img = await peer.next((o) => o.got === 'image.load.fits', 'the image');
    assert.equal(fileURLToPath((img.params as Record<string, string>).url), join(dir, 'frame.fits'));
  });
});
