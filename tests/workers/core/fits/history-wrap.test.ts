// Long HISTORY provenance (frame lists, numbers, paths) is wrapped at blanks, never inside a number or
// a file name: the written file is read back by astropy and every HISTORY card's words are whole
// words of the text we wrote, in order, each card at most 72 characters.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeFits, imageHdu, wrapCommentary } from '../../../../src-workers/core/fits/index.js';
import { python } from '../../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-history-wrap-'));

describe('HISTORY wrapping', () => {
  it('provenance with many numbers and paths: astropy reads whole words on every card', () => {
    const numbers = Array.from({ length: 60 }, (_, i) => (1234.5678 + i * 0.001).toFixed(4)).join(' ');
    const paths = Array.from(
      { length: 12 },
      (_, i) => `/data/night-2026-12-07/light_${String(i).padStart(4, '0')}.fits`,
    ).join(', ');
    const list = Array.from({ length: 40 }, (_, i) => String(100000 + i * 7)).join(',');
    const history = [`stack: combined weights ${numbers}`, `stack: inputs ${paths}`, `rejected ${list}`];
    const path = join(dir, 'history.fits');
    writeFileSync(path, encodeFits([imageHdu({ width: 2, height: 2, data: new Float32Array(4) }, { history })]));
    const cards: string[] = JSON.parse(
      python(
        `import json\nfrom astropy.io import fits\nprint(json.dumps(list(fits.getheader(${JSON.stringify(path)})['HISTORY'])))`,
      ),
    );
    assert.ok(cards.length > history.length);
    // Every card holds whole words (a number cut in two would read as two words); together, in order,
    // they are the words written, the comma list without blanks included.
    const written = history.flatMap((h) => h.split(/[ ,]+/).filter(Boolean));
    const read = cards.flatMap((c) => c.split(/[ ,]+/).filter(Boolean));
    assert.deepEqual(read, written);
    for (const c of cards) assert.ok(c.length <= 72, `card text of ${c.length} characters`);
  });

  it('a word longer than a card is split only where it must be', () => {
    const long = 'x'.repeat(150);
    assert.deepEqual(wrapCommentary(`a ${long}`), ['a', 'x'.repeat(72), 'x'.repeat(72), 'x'.repeat(6)]);
    assert.deepEqual(wrapCommentary(''), ['']);
  });
});
