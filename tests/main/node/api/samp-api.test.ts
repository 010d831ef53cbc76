// The UI's SAMP channels: connect starts a hub of our own when none runs, sends reach an astropy client,
// and what it sends back arrives as owb:samp.selected events; closing the workspace stops the hub.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { SampSelection } from '../../../../src-main/common/workbench-dto.js';
import { createHandlers, dispatch } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace } from '../../../../src-main/node/api/services.js';
import { astropyPeer, PY } from '../samp/astropy-peer.js';

const hasSamp = existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.samp'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'owb-samp-api-'));
const saved = process.env.SAMP_HUB;
after(() => {
  if (saved === undefined) delete process.env.SAMP_HUB;
  else process.env.SAMP_HUB = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('owb:samp.* channels', { skip: hasSamp ? false : 'needs /usr/bin/python3 with astropy.samp' }, () => {
  it('connect starts our hub when none runs; send reaches astropy; replies become owb:samp.selected', async () => {
    const lockfile = join(dir, 'hub.samp');
    process.env.SAMP_HUB = `std-lockurl:${pathToFileURL(lockfile).href}`;
    const services = openWorkspace(join(dir, 'ws'), { pollChanges: false });
    const handlers = createHandlers(services);
    const invoke = (channel: string, request: unknown) => dispatch(handlers, channel, request);
    const selected: SampSelection[] = [];
    services.events.on('owb:samp.selected', (s) => selected.push(s));
    try {
      assert.deepEqual(await invoke('owb:samp.status', {}), {
        ok: true,
        value: { connected: false, ownHub: false, clients: [], reason: undefined },
      });
      const connected = await invoke('owb:samp.connect', {});
      assert.ok(connected.ok && (connected.value as { ownHub: boolean }).ownHub, JSON.stringify(connected));
      assert.ok(existsSync(lockfile), 'our hub wrote the lockfile SAMP_HUB names');
      const peer = await astropyPeer(lockfile, 'client', dir);
      try {
        const sent = await invoke('owb:samp.send', {
          what: 'sky',
          raDeg: 83.6331,
          decDeg: 22.0145,
          to: 'astropy-peer',
        });
        assert.ok(sent.ok, JSON.stringify(sent));
        const got = await peer.next((o) => o.got === 'coord.pointAt.sky', 'the position');
        assert.deepEqual(got.params, { ra: '83.6331', dec: '22.0145' });
        // An empty catalog: the table goes out with no rows, and the peer's pointAt still becomes a selection.
        const table = await invoke('owb:samp.send', { what: 'sources', to: 'astropy-peer' });
        assert.ok(table.ok, JSON.stringify(table));
        const deadline = Date.now() + 20_000;
        while (!selected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const { from, ...pointed } = selected[0] as SampSelection & { kind: 'sky' };
        assert.deepEqual(pointed, { kind: 'sky', raDeg: 10.5, decDeg: -20.25, objectId: null, separationArcsec: null });
        assert.match(from, /\S/, 'the sender is named');
        const bad = await invoke('owb:samp.send', { what: 'sky', raDeg: 400, decDeg: 0 });
        assert.equal(bad.ok, false);
        const status = await invoke('owb:samp.status', {});
        assert.ok(
          status.ok &&
            (status.value as { clients: Array<{ name: string }> }).clients.some((c) => c.name === 'astropy-peer'),
        );
      } finally {
        await peer.stop();
      }
    } finally {
      services.close();
    }
    const deadline = Date.now() + 5000;
    while (existsSync(lockfile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(lockfile), false, 'closing the workspace stopped our hub');
  });
});
