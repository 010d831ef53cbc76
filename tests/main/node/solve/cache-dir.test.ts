// Where the plate solver caches its derived index structures: in a workspace, the named one or the per-user
// default, never in the folder of a catalog file (which `--db FILE` may put anywhere).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { solveCacheDir } from '../../../../src-main/node/solve/cache-dir.js';

describe('solveCacheDir', () => {
  const saved = process.env.OWB_WORKSPACE;
  afterEach(() => {
    if (saved === undefined) delete process.env.OWB_WORKSPACE;
    else process.env.OWB_WORKSPACE = saved;
  });

  it('is cache/plate-solve in the given workspace', () => {
    assert.equal(solveCacheDir('/data/ws'), join('/data/ws', 'cache', 'plate-solve'));
  });

  it('is in the default workspace (OWB_WORKSPACE) when none is given', () => {
    process.env.OWB_WORKSPACE = '/srv/owb-ws';
    assert.equal(solveCacheDir(), join('/srv/owb-ws', 'cache', 'plate-solve'));
  });
});
