import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, CatalogLocationError, parseCatalogLocation } from '../../../../src-main/node/catalog/index.js';
import { workspaceCatalog } from '../../../../src-main/node/catalog/catalog-location.js';

describe('parseCatalogLocation', () => {
  it('reads SQLite paths, file: URLs and PostgreSQL URLs', () => {
    assert.deepEqual(parseCatalogLocation('night.db'), { kind: 'sqlite', path: 'night.db' });
    assert.deepEqual(parseCatalogLocation('/data/c.db'), { kind: 'sqlite', path: '/data/c.db' });
    assert.deepEqual(parseCatalogLocation(':memory:'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseCatalogLocation('./a:b.db'), { kind: 'sqlite', path: './a:b.db' });
    assert.deepEqual(parseCatalogLocation('C:\\data\\c.db'), { kind: 'sqlite', path: 'C:\\data\\c.db' });
    assert.deepEqual(parseCatalogLocation('file:rel/c.db'), { kind: 'sqlite', path: 'rel/c.db' });
    assert.deepEqual(parseCatalogLocation('file:///tmp/a%20b.db'), { kind: 'sqlite', path: '/tmp/a b.db' });
    assert.deepEqual(parseCatalogLocation('postgres://u@h:5433/owb'), {
      kind: 'postgres',
      url: 'postgres://u@h:5433/owb',
    });
    assert.deepEqual(parseCatalogLocation('PostgreSQL://h/owb'), { kind: 'postgres', url: 'PostgreSQL://h/owb' });
  });

  for (const [text, message] of [
    ['', /empty/],
    ['mysql://h/db', /unsupported catalog URL scheme 'mysql:'/],
    ['sqlite:c.db', /unsupported catalog URL scheme 'sqlite:'/],
    ['postgres://', /names no host/],
    ['file:', /names no file/],
    ['file:c.db?mode=ro', /query or fragment/],
    ['file:%zz', /bad %-escape/],
    ['file://remote-host/c.db', /not a valid file: URL/],
  ] as const) {
    it(`refuses '${text}'`, () => {
      assert.throws(
        () => parseCatalogLocation(text),
        (e: Error) => e instanceof CatalogLocationError && message.test(e.message),
      );
    });
  }
});

describe('Catalog.open with a URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-catalog-location-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('never creates a folder named after the scheme', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.throws(() => Catalog.open('postgres://localhost/owb'), /SQLite catalog backend cannot open/);
      assert.throws(() => Catalog.open('mysql://localhost/owb'), /unsupported catalog URL scheme/);
      assert.ok(!existsSync(join(dir, 'postgres:')));
      assert.ok(!existsSync(join(dir, 'mysql:')));
      const c = Catalog.open('file:opened.db');
      c.close();
      assert.ok(existsSync(join(dir, 'opened.db')));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('workspaceCatalog (workspace.json "catalog")', () => {
  const ws = mkdtempSync(join(tmpdir(), 'owb-ws-'));
  after(() => rmSync(ws, { recursive: true, force: true }));
  const write = (text: string) => writeFileSync(join(ws, 'workspace.json'), text);

  it('a relative SQLite file is in the workspace; absolute paths and URLs stay as written; none without the file', () => {
    assert.equal(workspaceCatalog(join(ws, 'nowhere')), undefined);
    write('{"format":"owb-workspace","version":1,"catalog":"catalog.db"}');
    assert.deepEqual(workspaceCatalog(ws), { kind: 'sqlite', path: join(ws, 'catalog.db') });
    write('{"catalog":"/data/c.db"}');
    assert.deepEqual(workspaceCatalog(ws), { kind: 'sqlite', path: '/data/c.db' });
    write('{"catalog":"postgres://owb@db.example.org/owb"}');
    assert.deepEqual(workspaceCatalog(ws), { kind: 'postgres', url: 'postgres://owb@db.example.org/owb' });
    write('{"watch":["frames"]}');
    assert.equal(workspaceCatalog(ws), undefined);
  });

  for (const [text, message] of [
    ['{"catalog": 3}', /workspace\.json: 'catalog' must be a SQLite file or a postgres:\/\/ URL, got 3/],
    ['{"catalog": "mysql://h/db"}', /workspace\.json: catalog: mysql:\/\/h\/db: unsupported catalog URL scheme/],
    ['{catalog', /workspace\.json: not a readable JSON workspace file/],
  ] as const) {
    it(`refuses ${text}, naming the file`, () => {
      write(text);
      assert.throws(
        () => workspaceCatalog(ws),
        (e: Error) => e instanceof CatalogLocationError && message.test(e.message),
      );
    });
  }
});
