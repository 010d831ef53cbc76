// The workspace path policy (issue 25 A.3) on its own: links count where they point, relative paths are
// taken from the workspace (never the working directory), dataset folders must be ours.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import {
  assertDatasetFolderIsOurs,
  profileFile,
  workspacePath,
} from '../../../../src-main/node/paths/workspace-path.js';
import { mastersDir } from '../../../../src-main/node/pipeline/master-job.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'owb-ws-path-')));
after(() => rmSync(base, { recursive: true, force: true }));
const ws = join(base, 'ws');
mkdirSync(join(ws, 'sub'), { recursive: true });
mkdirSync(join(base, 'out'));

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('workspacePath', () => {
  it('resolves relative paths against the workspace, not the working directory', () => {
    assert.equal(workspacePath(ws, 'sub/new/deeper', { what: 'outDir' }), join(ws, 'sub', 'new', 'deeper'));
    assert.equal(workspacePath(ws, join(ws, 'sub'), { what: 'outDir' }), join(ws, 'sub'));
    assert.equal(workspacePath(ws, 'sub/../sub', { what: 'outDir' }), join(ws, 'sub'));
  });

  it('refuses ../, absolute paths elsewhere, links out (also to nothing) and control characters', () => {
    symlinkSync(join(base, 'out'), join(ws, 'link-out'));
    symlinkSync(join(base, 'out', 'not-yet'), join(ws, 'link-nowhere'));
    symlinkSync(join(ws, 'sub'), join(ws, 'link-in'));
    for (const p of [
      '..',
      '../out',
      join(base, 'out'),
      '/etc',
      'link-out',
      'link-out/x',
      'link-nowhere',
      'link-nowhere/x',
    ])
      assert.equal(
        code(() => workspacePath(ws, p, { what: 'outDir' })),
        'OUTSIDE_WORKSPACE',
        p,
      );
    for (const p of ['', '   ', 'a\u0000b', 'a\nb'])
      assert.equal(
        code(() => workspacePath(ws, p, { what: 'x' })),
        'BAD_PATH',
      );
    assert.equal(workspacePath(ws, 'link-in/new', { what: 'outDir' }), join(ws, 'sub', 'new'));
  });
});

describe('profileFile', () => {
  it('takes plain names from profiles/ only', () => {
    mkdirSync(join(ws, 'profiles'));
    writeFileSync(join(ws, 'profiles', 'night.yaml'), 'name: night\n');
    assert.equal(profileFile(ws, 'night'), join(ws, 'profiles', 'night.yaml'));
    assert.equal(profileFile(ws, 'absent'), undefined);
    for (const name of ['../x', '../../../x', 'a/b', '..', '.x', 'a\\b', ''])
      assert.equal(
        code(() => profileFile(ws, name)),
        'BAD_PROFILE_NAME',
        name,
      );
  });
});

describe('assertDatasetFolderIsOurs', () => {
  it('accepts a new, an empty or an owb synth folder, and refuses any other non-empty folder', () => {
    const mine = join(base, 'mine');
    mkdirSync(mine);
    assert.equal(
      code(() => assertDatasetFolderIsOurs(join(base, 'nope'))),
      undefined,
    );
    assert.equal(
      code(() => assertDatasetFolderIsOurs(mine)),
      undefined,
    );
    writeFileSync(join(mine, 'notes.tmp'), 'x');
    assert.equal(
      code(() => assertDatasetFolderIsOurs(mine)),
      'NOT_OURS',
    );
    writeFileSync(join(mine, 'config_snapshot.json'), '{"tool":"something else"}');
    assert.equal(
      code(() => assertDatasetFolderIsOurs(mine)),
      'NOT_OURS',
    );
    writeFileSync(join(mine, 'config_snapshot.json'), '{"tool":"owb synth"}');
    assert.equal(
      code(() => assertDatasetFolderIsOurs(mine)),
      undefined,
    );
  });
});

describe('mastersDir', () => {
  it("takes a profile's relative outputs.dir from the catalog's folder, not the working directory", () => {
    const catalog = Catalog.open(join(ws, 'catalog.db'));
    const profile = parseProfile({ name: 'p', outputs: { dir: 'owb-out' } });
    assert.equal(mastersDir(catalog, profile), join(ws, 'owb-out', 'masters'));
    catalog.close();
  });
});
