// The fast export path (sources as better-sqlite3 raw arrays, BINARY2 encoded straight from them) writes the very
// file the object path writes, for every format, with nulls, limits and offsets; and its base64 is Node's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { exportArrayRows, exportRows, type RowFormat } from '../../../../src-main/node/catalog/export.js';
import { sourceArrays } from '../../../../src-main/node/catalog/export-source.js';
import { Base64Lines } from '../../../../src-workers/io/tables/binary2.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-export-arrays-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exports from raw source arrays', () => {
  const catalog = Catalog.open(join(dir, 'cat.sqlite'));
  after(() => catalog.close());
  const store = new FrameStore(catalog.db);
  const writer = new FrameResultWriter(catalog.db);
  for (let f = 0; f < 2; f++) {
    const { frameId } = store.ingest({
      contentHash: `h${f}`,
      path: `/n/${f}.fits`,
      fileName: `${f}.fits`,
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {},
    });
    const n = 9000; // more than one 8192-row chunk
    catalog.db.transaction(() =>
      writer.write(frameId, {
        width: 10,
        height: 10,
        quality: {},
        ran: [],
        skipped: [],
        sources: {
          count: n,
          x: Float64Array.from({ length: n }, (_, i) => i * 0.37),
          y: Float64Array.from({ length: n }, (_, i) => -i / 7),
          ra: Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? Number.NaN : (i * 0.01) % 360)),
          dec: Float64Array.from({ length: n }, (_, i) => (i % 13) - 6.5),
          flux: Float64Array.from({ length: n }, (_, i) => i * 1e3),
        },
      }),
    )();
  }

  it('names its columns as iterateSources does', () => {
    const objects = catalog.iterateSources();
    const arrays = sourceArrays(catalog.db);
    const first = objects.next().value as object;
    objects.return?.();
    arrays.rows.return?.();
    assert.deepEqual(arrays.names, Object.keys(first));
  });

  for (const format of ['votable-binary2', 'votable', 'csv', 'ecsv', 'json'] as RowFormat[])
    for (const page of [{}, { frameId: 2 }, { limit: 8500, offset: 333 }])
      it(`${format} ${JSON.stringify(page)}: the same bytes as the object path`, async () => {
        const a = join(dir, `a-${format}.out`);
        const b = join(dir, `b-${format}.out`);
        const { names, rows } = sourceArrays(catalog.db, page);
        const options = { extname: 'SOURCES', fluxUnit: 'adu' };
        const na = await exportArrayRows(names, rows, format, { ...options, out: a });
        const nb = await exportRows(catalog.iterateSources(page) as never, format, { ...options, out: b });
        assert.equal(na, nb);
        assert.equal(na, 'limit' in page ? 8500 : 'frameId' in page ? 9000 : 18000);
        assert.ok(readFileSync(a).equals(readFileSync(b)), `${format}: files differ`);
      });

  it('base64 lines: Node base64 of the whole stream, 76 characters a line, whatever the chunk sizes', () => {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const lines = new Base64Lines();
    const pieces: Buffer[] = [];
    let text = '';
    for (let k = 0; k < 200; k++) {
      const piece = Buffer.from(Array.from({ length: Math.floor(random() * 400) }, () => Math.floor(random() * 256)));
      pieces.push(piece);
      text += String(lines.push(piece, k === 199));
    }
    const rows = text.split('\n');
    assert.equal(rows.pop(), '', 'ends in a newline');
    assert.ok(rows.slice(0, -1).every((l) => l.length === 76));
    assert.equal(rows.join(''), Buffer.concat(pieces).toString('base64'));
  });
});
