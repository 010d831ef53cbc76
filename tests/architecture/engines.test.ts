import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

// Issue 25 (newcomer traps): `npm install` printed ten EBADENGINE warnings because `engines` promised
// Node versions that locked dependencies refuse. npm warns for the Node it runs on; this checks every
// version we promise at once: our range must lie inside every installed package's `engines.node`.
interface LockedPackage {
  engines?: { node?: string } | string[];
  optional?: boolean;
  dev?: boolean;
  version?: string;
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  overrides?: Record<string, string>;
};

describe('engines.node agrees with the dependencies (issue 25)', () => {
  const ours = manifest.engines.node;

  it('is the range the lockfile records and a valid semver range', () => {
    assert.equal(
      lock.packages['']?.engines && !Array.isArray(lock.packages[''].engines) && lock.packages[''].engines.node,
      ours,
    );
    assert.ok(semver.validRange(ours), ours);
  });

  it('lies inside every locked package’s engines.node', () => {
    const disagreeing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      const theirs = pkg.engines && !Array.isArray(pkg.engines) ? pkg.engines.node : undefined;
      // Optional packages are the per-platform binaries npm skips where they do not apply.
      if (path === '' || !theirs || pkg.optional) continue;
      if (!semver.subset(ours, theirs)) disagreeing.push(`${path}@${pkg.version ?? '?'} wants ${theirs}`);
    }
    assert.deepEqual(disagreeing, [], `engines.node '${ours}' promises Node versions these refuse`);
  });

  it('includes the Node running the tests', () => {
    assert.ok(semver.satisfies(process.version, ours), `${process.version} is outside '${ours}'`);
  });
});
