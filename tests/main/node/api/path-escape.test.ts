// Issue 25 A.3: every call that takes a path from the UI, IPC or the API (owb:synth.run outDir and
// Injection.frames_dir, owb:watch.add path and profile, a profile's outputs.dir and reference) is tried
// with `../`, absolute paths, symbolic links and URL-encoding. Nothing may be written outside the
// workspace (a sentinel folder beside it is snapshotted before and after), and files a user put inside
// the workspace are left untouched.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../../../src-main/common/result.js';
import type { SynthRunStatus, WatchedFolder } from '../../../../src-main/common/workbench-dto.js';
import { createHandlers, dispatch, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { createSynthPort } from '../../../../src-main/node/api/synth-port.js';
import { WorkspaceWatchPort } from '../../../../src-main/node/api/watch-port.js';
import { writeFrame } from '../watch/frames.js';

/** Every file and link below `dir`: relative path → content hash (or link target), size and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const info = lstatSync(path);
      const rel = relative(dir, path);
      if (info.isSymbolicLink()) out[rel] = `link → ${readlinkSync(path)}`;
      else if (info.isDirectory()) {
        out[`${rel}/`] = 'folder';
        walk(path);
      } else out[rel] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${info.size} ${info.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('paths from the UI and API stay inside the workspace', () => {
  let base: string;
  let ws: string;
  let sentinel: string;
  let outsideFrames: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let watch: WorkspaceWatchPort;
  let sentinelBefore: Record<string, string>;
  let outsideBefore: Record<string, string>;
  let userBefore: Record<string, string>;

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'owb-path-escape-')));
    ws = join(base, 'ws');
    sentinel = join(base, 'sentinel');
    outsideFrames = join(base, 'outside-frames');
    // The sentinel: what an attacker would like to overwrite, delete or read.
    mkdirSync(join(sentinel, 'profiles'), { recursive: true });
    writeFileSync(join(sentinel, 'notes.tmp'), 'my notes\n');
    writeFileSync(join(sentinel, 'train.csv'), 'my,own,table\n');
    writeFileSync(join(sentinel, 'x.yaml'), 'name: x\n');
    writeFileSync(join(sentinel, 'profiles', 'x.yaml'), 'name: x\noutputs: { dir: /tmp }\n');
    writeFrame(join(sentinel, 'frame.fits'), { seed: 1, size: 16 });
    mkdirSync(outsideFrames);
    writeFrame(join(outsideFrames, 'o1.fits'), { seed: 2, size: 16 });
    // The workspace, with a user's own folder in it and links that lead out.
    mkdirSync(join(ws, 'userdata'), { recursive: true });
    writeFileSync(join(ws, 'userdata', 'notes.tmp'), 'user notes inside the workspace\n');
    writeFileSync(join(ws, 'userdata', 'train.csv'), 'user,table\n');
    mkdirSync(join(ws, 'frames'));
    writeFrame(join(ws, 'frames', 'w1.fits'), { seed: 3, size: 16 });
    symlinkSync(sentinel, join(ws, 'escape'));
    symlinkSync(join(sentinel, 'new-dir'), join(ws, 'dangling'));
    mkdirSync(join(ws, 'profiles'));
    symlinkSync(join(sentinel, 'x.yaml'), join(ws, 'profiles', 'evil.yaml'));
    writeFileSync(join(ws, 'profiles', 'leaky.yaml'), `name: leaky\noutputs: { dir: ${sentinel} }\n`);
    // outputs.dir is relative to the profile's own folder (ws/profiles), so this climbs out of ws.
    writeFileSync(join(ws, 'profiles', 'climb.yaml'), 'name: climb\noutputs: { dir: ../../sentinel }\n');
    writeFileSync(
      join(ws, 'profiles', 'refout.yaml'),
      `name: refout\nsteps: { difference: { reference: ${join(sentinel, 'frame.fits')} } }\n`,
    );
    writeFileSync(join(ws, 'profiles', 'inside.yaml'), 'name: inside\nsteps: {}\noutputs: { dir: owb-out }\n');
    services = openWorkspace(ws, { pollChanges: false });
    services.synth = createSynthPort('test');
    watch = new WorkspaceWatchPort(services.root, services.db, 1);
    services.watch = watch;
    handlers = createHandlers(services);
    sentinelBefore = snapshot(sentinel);
    outsideBefore = snapshot(outsideFrames);
    userBefore = snapshot(join(ws, 'userdata'));
  });

  after(async () => {
    await watch.close();
    services.close();
    rmSync(base, { recursive: true, force: true });
  });

  const escapes = (target: string): string[] => [
    '../sentinel',
    '../sentinel/new',
    '../../' + relative('/', target),
    target,
    join(target, 'new'),
    'escape',
    'escape/new',
    './escape/../escape/new',
    'dangling',
    'dangling/deeper',
    'frames/../../sentinel',
    '..%2fsentinel',
    '%2e%2e%2fsentinel',
    encodeURIComponent('../sentinel'),
    `file://${target}`,
  ];

  async function invoke(channel: string, request: unknown): Promise<Result<unknown>> {
    return dispatch(handlers, channel, request);
  }

  /** Waits for a started run to finish, so that whatever it writes is written before the snapshot. */
  async function settle(result: Result<unknown>): Promise<SynthRunStatus | undefined> {
    if (!result.ok) return undefined;
    const { runId } = result.value as SynthRunStatus;
    await until(`run ${runId}`, () => services.synthRuns.get(runId)?.state !== 'running');
    return services.synthRuns.get(runId);
  }

  const small = { General: { n_train: 2, n_test: 1, image_size: 16, seed: 5 } };

  it('owb:synth.run refuses an outDir outside the workspace, and writes nothing there', async () => {
    for (const outDir of escapes(sentinel)) {
      const result = await invoke('owb:synth.run', { config: small, outDir });
      const run = await settle(result);
      // Either refused, or (URL-encoded names taken literally) a run into a new folder inside.
      if (result.ok) {
        assert.equal(run?.state, 'done', `${outDir}: ${run?.error}`);
        const real = realpathSync((result.value as SynthRunStatus).outDir);
        assert.ok(real.startsWith(`${realpathSync(ws)}/`), `${outDir} ran into ${real}`);
      } else assert.match(result.error.code, /^(OUTSIDE_WORKSPACE|BAD_PATH)$/, `${outDir}: ${result.error.message}`);
    }
    for (const outDir of ['../sentinel', sentinel, 'escape'])
      assert.equal(((await invoke('owb:synth.run', { config: small, outDir })) as { ok: boolean }).ok, false);
    assert.deepEqual(snapshot(sentinel), sentinelBefore);
  });

  it('owb:synth.run refuses a non-empty folder of the user inside the workspace, leaving notes.tmp and train.csv', async () => {
    for (const outDir of ['userdata', join(ws, 'userdata'), '.', 'frames', 'profiles']) {
      const result = await invoke('owb:synth.run', { config: small, outDir });
      await settle(result);
      assert.equal(result.ok, false, `${outDir} was accepted`);
      if (!result.ok) assert.equal(result.error.code, 'NOT_OURS', result.error.message);
    }
    assert.deepEqual(snapshot(join(ws, 'userdata')), userBefore);
    // Our own dataset folder is accepted again (a second run continues it), relative to the workspace.
    for (let i = 0; i < 2; i++) {
      const run = await settle(await invoke('owb:synth.run', { config: small, outDir: 'datasets/mine' }));
      assert.equal(run?.state, 'done', run?.error ?? '');
      assert.equal(run?.outDir, join(realpathSync(ws), 'datasets', 'mine'));
    }
  });

  it('owb:synth.run refuses an Injection.frames_dir outside the workspace (nothing is read there)', async () => {
    for (const framesDir of [...escapes(sentinel), outsideFrames]) {
      const config = { General: { mode: 'injection', seed: 2 }, Injection: { frames_dir: framesDir } };
      const result = await invoke('owb:synth.run', { config, outDir: `datasets/inj-${Math.random()}` });
      const run = await settle(result);
      if (result.ok) {
        // A literal (URL-encoded) name inside the workspace: no such folder, so the run fails there.
        assert.equal(run?.state, 'failed', framesDir);
        assert.match(run?.error ?? '', new RegExp(`${realpathSync(ws)}/`));
      } else assert.equal(result.error.code, 'OUTSIDE_WORKSPACE', `${framesDir}: ${result.error.message}`);
    }
    // Inside the workspace, relative to it (not the server's working directory), it works.
    const config = { General: { mode: 'injection', seed: 2 }, Injection: { frames_dir: 'frames', stamp_size: 0 } };
    const run = await settle(await invoke('owb:synth.run', { config, outDir: 'datasets/inj-ok' }));
    assert.equal(run?.state, 'done', run?.error ?? '');
    assert.deepEqual(snapshot(sentinel), sentinelBefore);
  });

  it('owb:watch.add refuses folders outside the workspace unless confirmed, and profiles from outside profiles/', async () => {
    for (const path of [...escapes(outsideFrames).map((p) => p.replace('sentinel', 'outside-frames')), outsideFrames]) {
      const result = await invoke('owb:watch.add', { path, profile: 'default' });
      if (result.ok) assert.fail(`${path} was added: ${JSON.stringify(result.value)}`);
      assert.match(
        result.error.code,
        /^(OUTSIDE_WORKSPACE|NOT_A_FOLDER|BAD_PATH)$/,
        `${path}: ${result.error.message}`,
      );
    }
    for (const profile of [
      '../../../x',
      '../sentinel/x',
      '../profiles/../../sentinel/x',
      'evil',
      '%2e%2e%2fx',
      '.hidden',
      sentinel,
    ]) {
      const result = await invoke('owb:watch.add', { path: 'frames', profile });
      assert.equal(result.ok, false, `profile '${profile}' was loaded`);
      if (!result.ok)
        assert.match(result.error.code, /^(BAD_PROFILE_NAME|OUTSIDE_WORKSPACE|UNKNOWN_PROFILE)$/, result.error.message);
    }
    // Profiles inside profiles/ whose outputs or reference lead out of the workspace are refused too.
    for (const profile of ['leaky', 'climb', 'refout']) {
      const result = await invoke('owb:watch.add', { path: 'frames', profile });
      assert.equal(result.ok, false, `profile '${profile}' was loaded`);
      if (!result.ok) assert.equal(result.error.code, 'OUTSIDE_WORKSPACE', result.error.message);
    }
    assert.deepEqual(((await invoke('owb:watch.list', {})) as { value: unknown[] }).value, []);
  });

  it('watches a folder outside the workspace after an explicit confirmation, read-only, stored as such', async () => {
    const result = await invoke('owb:watch.add', { path: outsideFrames, profile: 'inside', allowOutside: true });
    assert.ok(result.ok, JSON.stringify(result));
    const folder = result.value as WatchedFolder;
    assert.equal(folder.outsideWorkspace, true);
    const stored = JSON.parse(readFileSync(join(ws, 'watched-folders.json'), 'utf8')) as WatchedFolder[];
    assert.deepEqual(stored, [
      { id: folder.id, path: outsideFrames, profile: 'inside', paused: false, outsideWorkspace: true },
    ]);
    const done = () =>
      (services.db.prepare("SELECT count(*) AS n FROM jobs WHERE state = 'done'").get() as { n: number }).n;
    await until('the outside frame processed', () => done() >= 1);
    // An inside folder added plainly is not marked; the outside one was read, never written.
    const inside = await invoke('owb:watch.add', { path: 'frames', profile: 'inside' });
    assert.ok(inside.ok && (inside.value as WatchedFolder).outsideWorkspace === undefined);
    await until('the inside frame processed', () => done() >= 2);
    await watch.close();
    assert.deepEqual(snapshot(outsideFrames), outsideBefore);
    assert.deepEqual(snapshot(sentinel), sentinelBefore);
    assert.deepEqual(snapshot(join(ws, 'userdata')), userBefore);
  });
});
