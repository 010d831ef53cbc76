import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { fileSink } from '../../../../src-main/node/catalog/export.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-export-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('streaming exports', () => {
  it('a file sink waiting on drain leaves no listener behind (a long export warned of a leak)', async () => {
    const path = join(dir, 'out.txt');
    const stream = createWriteStream(path, { highWaterMark: 16 });
    const before = { close: stream.listenerCount('close'), error: stream.listenerCount('error') };
    const sink = fileSink(stream, path);
    for (let i = 0; i < 200; i++) await sink.write(`line ${i} of a table that fills the buffer\n`);
    // One 'error' listener is the sink's own; every drain wait must take its listeners away again.
    assert.equal(stream.listenerCount('close'), before.close);
    assert.equal(stream.listenerCount('error'), before.error + 1);
    assert.equal(stream.listenerCount('drain'), 0);
    stream.end();
    await once(stream, 'close');
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 201);
  });

  it('iterateSources walks every row in frame and detection order, honouring limit and offset', () => {
    const catalog = Catalog.open(join(dir, 'cat.sqlite'));
    const store = new FrameStore(catalog.db);
    const writer = new FrameResultWriter(catalog.db);
    for (let f = 0; f < 3; f++) {
      const { frameId } = store.ingest({
        contentHash: `h${f}`,
        path: `/n/${f}.fits`,
        fileName: `${f}.fits`,
        sizeBytes: 1,
        mtimeMs: 1,
        meta: {},
      });
      const n = 2500;
      catalog.db.transaction(() =>
        writer.write(frameId, {
          width: 10,
          height: 10,
          quality: {},
          ran: [],
          skipped: [],
          sources: {
            count: n,
            x: Float64Array.from({ length: n }, (_, i) => i),
            y: new Float64Array(n),
            flux: new Float64Array(n),
          },
        }),
      )();
    }
    const all = [...catalog.iterateSources()];
    assert.equal(all.length, 7500);
    assert.deepEqual(
      all.slice(2499, 2501).map((s) => [s.frameId, s.idx]),
      [
        [1, 2499],
        [2, 0],
      ],
    );
    const page = [...catalog.iterateSources({ offset: 7000, limit: 1000 })];
    assert.equal(page.length, 500);
    assert.equal(page[0].id, all[7000].id);
    assert.equal([...catalog.iterateSources({ frameId: 2, limit: 3 })].map((s) => s.idx).join(), '0,1,2');
    catalog.close();
  });
});
