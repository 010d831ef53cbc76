// What DS9 is sent instead of a VOTable: the client found by the name users type (`ds9` for SAOImageDS9, any case),
// and a TSV that DS9's reader (library/tsv.tcl: split on tabs, spaces squeezed, quotes dropped) takes back to the
// same cells: nulls and NaN empty, text with tabs, newlines or quotes kept on its line, numbers with every digit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ds9Tsv, peerIsNamed } from '../../../../src-main/node/samp/ds9-table.js';

describe('tables for DS9', () => {
  it('finds DS9 by its samp.name, by ds9 in any case, and by id, and nothing else by the alias', () => {
    const ds9 = { id: 'c3', name: 'SAOImageDS9' };
    for (const name of ['ds9', 'DS9', 'saoimageds9', 'SAOImageDS9', 'c3']) assert.ok(peerIsNamed(ds9, name), name);
    assert.equal(peerIsNamed({ id: 'c4', name: 'topcat' }, 'ds9'), false);
    assert.equal(peerIsNamed(ds9, 'ds'), false);
  });

  it('writes names, then one line per row, with empty fields for nulls and every digit of a double', () => {
    const tsv = ds9Tsv(
      ['ra', 'dec', 'flux err', 'note'],
      [
        [201.365123456789, -43.0190000001, null, 'a\tb\nc "d"'],
        [0.1 + 0.2, Number.NaN, 7, undefined],
      ],
    );
    const lines = tsv.split('\n');
    assert.equal(lines.length, 4); // three lines and the final newline
    assert.deepEqual(lines[0].split('\t'), ['ra', 'dec', 'flux_err', 'note']);
    assert.deepEqual(lines[1].split('\t'), ['201.365123456789', '-43.0190000001', '', "a b c 'd'"]);
    assert.deepEqual(lines[2].split('\t'), ['0.30000000000000004', '', '7', '']);
    assert.equal(Number(lines[1].split('\t')[0]), 201.365123456789);
  });
});
