import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSynthConfig } from '../../../../src-workers/core/synth/config.js';
import { TIME_VARYING_METADATA_COLUMNS } from '../../../../src-workers/core/synth/metadata.js';
import { metadataCsv, parseCsv, reproducibleMetadataCsv } from '../../../../src-main/node/synth/csv.js';

describe('metadata.csv and the byte-reproducibility contract', () => {
  const { config } = validateSynthConfig({ General: { n_train: 6, n_test: 2, image_size: 32, seed: 4 } });

  it('differs between two generation times only in the time-varying columns', () => {
    const a = metadataCsv(config, '/out', '2026-01-01T00:00:00.000Z');
    const b = metadataCsv(config, '/out', '2026-12-31T23:59:59.999Z');
    assert.notEqual(a, b);
    assert.equal(reproducibleMetadataCsv(a), reproducibleMetadataCsv(b));
    const rowsA = parseCsv(a);
    const rowsB = parseCsv(b);
    const varying = rowsA[0].flatMap((name, i) => (TIME_VARYING_METADATA_COLUMNS.includes(name) ? [i] : []));
    assert.deepEqual(
      varying.map((i) => rowsA[0][i]),
      ['generation_time'],
    );
    for (const [r, row] of rowsA.entries())
      for (const [i, field] of row.entries())
        if (r === 0 || !varying.includes(i)) assert.equal(field, rowsB[r][i], `row ${r} column ${rowsA[0][i]}`);
  });

  it('keeps every other field byte for byte, quoting included', () => {
    const text = 'filepath,generation_time,note\n"a,b.png",2026-01-01T00:00:00Z,"say ""hi"""\n';
    assert.equal(reproducibleMetadataCsv(text), 'filepath,generation_time,note\n"a,b.png",,"say ""hi"""\n');
  });
});
