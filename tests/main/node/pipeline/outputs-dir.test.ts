import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { mastersDir } from '../../../../src-main/node/pipeline/master-job.js';
import { loadProfile, parseProfile } from '../../../../src-main/node/pipeline/profile.js';

describe('outputs.dir', () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'owb-outputs-')));
  const cwd = process.cwd();
  after(() => {
    process.chdir(cwd);
    rmSync(top, { recursive: true, force: true });
  });
  const workspace = (name: string): { root: string; catalog: Catalog; profilePath: string } => {
    const root = join(top, name);
    mkdirSync(join(root, 'profiles'), { recursive: true });
    const profilePath = join(root, 'profiles', 'night.yaml');
    writeFileSync(profilePath, 'outputs: { dir: out }\nsteps: { liveStack: true }\n');
    return { root, catalog: Catalog.open(join(root, 'catalog.db')), profilePath };
  };

  it('is relative to the profile file, or to the workspace, never to the working directory', () => {
    const a = workspace('a');
    const b = workspace('b');
    // Both services started from the same third folder: a relative outputs.dir must not land there.
    mkdirSync(join(top, 'elsewhere'));
    process.chdir(join(top, 'elsewhere'));
    try {
      const pa = loadProfile(a.profilePath);
      const pb = loadProfile(b.profilePath);
      assert.equal(pa.outputs.dir, join(a.root, 'profiles', 'out'));
      assert.equal(mastersDir(a.catalog, pa), join(a.root, 'profiles', 'out', 'masters'));
      assert.equal(mastersDir(b.catalog, pb), join(b.root, 'profiles', 'out', 'masters'));
      // A profile given as data (the API, a JSON job) resolves against the catalog's workspace.
      const data = parseProfile({ outputs: { dir: 'out' } });
      assert.equal(mastersDir(a.catalog, data), join(a.root, 'out', 'masters'));
      assert.equal(mastersDir(b.catalog, data), join(b.root, 'out', 'masters'));
      // Absolute stays absolute; no outputs.dir means beside the catalog.
      assert.equal(mastersDir(a.catalog, parseProfile({ outputs: { dir: '/srv/owb' } })), '/srv/owb/masters');
      assert.equal(mastersDir(a.catalog, parseProfile({})), join(a.root, 'masters'));
    } finally {
      process.chdir(cwd);
      a.catalog.close();
      b.catalog.close();
    }
  });
});
