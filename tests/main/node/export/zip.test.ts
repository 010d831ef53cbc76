import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { zipArchive } from '../../../../src-main/node/export/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('zipArchive', () => {
  it("is read back by Python's zipfile: names, bytes, CRCs, stored and deflated entries", () => {
    const random = randomBytes(5000);
    const entries = [
      { name: 'a.txt', data: Buffer.from('hello '.repeat(200)) },
      { name: 'sub/dir/ünï.bin', data: random },
      { name: 'empty', data: new Uint8Array(0) },
    ];
    const path = join(dir, 'a.zip');
    writeFileSync(path, zipArchive(entries));
    const script = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Array<[string, number, string]>;
    const sha = (b: Uint8Array): string => spawnSync('sha256sum', { input: b, encoding: 'utf8' }).stdout.split(' ')[0];
    assert.deepEqual(
      got.map(([n]) => n),
      entries.map((e) => e.name),
    );
    assert.equal(got[0][1], 8, 'text is deflated');
    assert.equal(got[1][1], 0, 'incompressible data is stored');
    for (const [i, e] of entries.entries()) assert.equal(got[i][2], sha(e.data), e.name);
  });

  it('refuses unsafe and duplicate names', () => {
    const data = new Uint8Array(1);
    assert.throws(() => zipArchive([{ name: '../x', data }]), /zip entry name '\.\.\/x' must be a relative path/);
    assert.throws(() => zipArchive([{ name: '/etc/x', data }]), /must be a relative path/);
    assert.throws(
      () =>
        zipArchive([
          { name: 'a', data },
          { name: 'a', data },
        ]),
      /zip entry 'a' appears twice/,
    );
  });
});
