// SAMP against astropy.samp as the independent peer: our client registers with astropy's hub and exchanges
// messages with an astropy client both ways; then astropy clients use our hub the same way. Lockfiles live in
// a temporary folder (SAMP_HUB=std-lockurl:…), never in the user's home.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SampClient, type SampMessage } from '../../../../src-main/node/samp/client.js';
import { SampHub } from '../../../../src-main/node/samp/hub.js';
import { astropyPeer, PY } from './astropy-peer.js';

const hasSamp = existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.samp'], { stdio: 'ignore' }).status === 0;
const skip = hasSamp ? false : 'needs /usr/bin/python3 with astropy.samp';
const dir = mkdtempSync(join(tmpdir(), 'owb-samp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function exchange(env: NodeJS.ProcessEnv, peer: Awaited<ReturnType<typeof astropyPeer>>) {
  const received: SampMessage[] = [];
  const client = await SampClient.connect({
    name: 'owb-test',
    env,
    subscriptions: ['coord.pointAt.sky', 'table.highlight.row'],
    onMessage: (m) => void received.push(m),
  });
  try {
    assert.ok((await client.clients()).some((c) => c.name === 'astropy-peer'));
    const url = pathToFileURL(join(dir, 'sources.vot')).href;
    await client.notify(
      { 'samp.mtype': 'table.load.votable', 'samp.params': { url, 'table-id': 'owb-1', name: 'sources' } },
      'astropy-peer',
    );
    const got = await peer.next((o) => o.got === 'table.load.votable', 'table.load.votable');
    assert.deepEqual(got.params, { url, 'table-id': 'owb-1', name: 'sources' });
    // astropy answers with coord.pointAt.sky, which our callback receives.
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    // Hubs may add keys of their own (astropy's adds host and user): the message is mtype + params.
    assert.equal(received[0]?.['samp.mtype'], 'coord.pointAt.sky');
    assert.deepEqual(received[0]['samp.params'], { ra: '10.5', dec: '-20.25' });
    const reply = await client.callAndWait(
      { 'samp.mtype': 'coord.pointAt.sky', 'samp.params': { ra: '83.6', dec: '22.0' } },
      'astropy-peer',
    );
    assert.equal(reply['samp.status'], 'samp.ok');
    assert.deepEqual(reply['samp.result'], { echo: '83.6' });
  } finally {
    await client.close();
  }
}

describe('SAMP', { timeout: 120_000 }, () => {
  it('our client and an astropy client exchange messages both ways through astropy’s hub', { skip }, async () => {
    const lockfile = join(dir, 'astropy-hub.samp');
    const peer = await astropyPeer(lockfile, 'hub', dir);
    try {
      await exchange({ SAMP_HUB: `std-lockurl:${pathToFileURL(lockfile).href}` }, peer);
    } finally {
      await peer.stop();
    }
  });

  it('astropy clients register with our hub and exchange messages through it', { skip }, async () => {
    const lockfile = join(dir, 'owb-hub.samp');
    const env = { SAMP_HUB: `std-lockurl:${pathToFileURL(lockfile).href}` };
    const hub = await SampHub.start({ env });
    try {
      const peer = await astropyPeer(lockfile, 'client', dir);
      try {
        await exchange(env, peer);
        peer.send('clients');
        const seen = await peer.next((o) => Array.isArray(o.clients), 'client list');
        assert.ok((seen.clients as string[]).length >= 1);
      } finally {
        await peer.stop();
      }
    } finally {
      await hub.stop();
    }
    assert.equal(existsSync(lockfile), false, 'the hub removes its lockfile');
  });

  it(
    'owb samp send delivers a table and a sky position to the named client, and names bad input',
    { skip },
    async () => {
      const lockfile = join(dir, 'cli-hub.samp');
      const peer = await astropyPeer(lockfile, 'hub', dir);
      const env = { ...process.env, HOME: dir, SAMP_HUB: `std-lockurl:${pathToFileURL(lockfile).href}` };
      const owb = (args: string[]) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
          const p = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'samp', ...args], {
            cwd: resolve(import.meta.dirname, '../../../..'),
            env,
          });
          let stdout = '';
          let stderr = '';
          p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          p.on('exit', (status) => done({ status, stdout, stderr }));
        });
      try {
        const table = join(dir, 'cli.vot');
        writeFileSync(table, '<VOTABLE/>');
        const sent = await owb(['send', '--table', table, '--to', 'astropy-peer']);
        assert.equal(sent.status, 0, sent.stderr);
        assert.match(sent.stdout, /table\.load\.votable sent to astropy-peer/);
        const got = await peer.next((o) => o.got === 'table.load.votable', 'table from owb samp');
        assert.equal((got.params as Record<string, string>).url, pathToFileURL(table).href);
        const sky = await owb(['send', '--sky=83.63,-5.39']);
        assert.equal(sky.status, 0, sky.stderr);
        const pointed = await peer.next((o) => o.got === 'coord.pointAt.sky', 'sky position');
        assert.deepEqual(pointed.params, { ra: '83.63', dec: '-5.39' });
        const bad = await owb(['send', '--sky=400,0']);
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /--sky wants RA,DEC/);
        const nobody = await owb(['send', '--sky=1,2', '--to', 'topcat']);
        assert.equal(nobody.status, 2);
        assert.match(nobody.stderr, /no client named 'topcat'/);
      } finally {
        await peer.stop();
      }
    },
  );

  const hasJsamp = existsSync('/usr/bin/jsamp');
  it(
    'our client and an astropy client exchange messages through JSAMP’s hub',
    { skip: !hasSamp ? skip : hasJsamp ? false : 'needs Debian jsamp (/usr/bin/jsamp)' },
    async () => {
      const lockfile = join(dir, 'jsamp-hub.samp');
      const env = { SAMP_HUB: `std-lockurl:${pathToFileURL(lockfile).href}` };
      const hub = spawn('/usr/bin/jsamp', ['hub', '-mode', 'no-gui', '-profiles', 'std'], {
        env: { ...process.env, ...env, HOME: dir },
        stdio: 'ignore',
      });
      try {
        for (let i = 0; i < 300 && !existsSync(lockfile); i++) await new Promise((r) => setTimeout(r, 100));
        assert.ok(existsSync(lockfile), 'JSAMP hub wrote its lockfile');
        const peer = await astropyPeer(lockfile, 'client', dir);
        try {
          await exchange(env, peer);
        } finally {
          await peer.stop();
        }
      } finally {
        hub.kill();
        await new Promise((r) => hub.once('exit', r));
      }
    },
  );

  it('the hub refuses a wrong secret', async () => {
    const env = { SAMP_HUB: `std-lockurl:${pathToFileURL(join(dir, 'secret.samp')).href}` };
    const hub = await SampHub.start({ env });
    try {
      await assert.rejects(SampClient.connect({ name: 'intruder', hub: { secret: 'wrong', url: hub.url } }), /secret/);
    } finally {
      await hub.stop();
    }
  });
});
