// Header cards: what we format, astropy parses to the same values (strings with quotes split across
// CONTINUE cards, HIERARCH keys, reals that must round-trip exactly, logicals, undefined values), and
// what astropy formats, we parse to the same values. Duplicate keys: the last wins, with a warning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FitsHeader,
  foldCards,
  formatCard,
  parseCard,
  type FitsValue,
} from '../../../../src-workers/core/fits/header.js';
import { python } from '../../fits-oracles.js';

const VALUES: Array<[string, FitsValue]> = [
  ['STR', 'plain'],
  ['QUOTES', "it's a 'quoted' value"],
  ['EMPTY', ''],
  ['LONG', `${"ab'".repeat(40)}end`],
  ['LONGQ', "'".repeat(90)],
  ['SPACES', 'trailing kept?   '],
  ['INT', -1234567890123],
  ['ZERO', 0],
  ['REAL', 0.1],
  ['TINY', 1.5e-300],
  ['HUGE', 6.02214076e23],
  ['THIRD', 1 / 3],
  ['NEGREAL', -273.15],
  ['LOGT', true],
  ['LOGF', false],
  ['UNDEF', null],
  ['HIERARCH ESO TEL AIRM START', 1.234],
  ['HIERARCH A VERY LONG KEYWORD NAME', 'value'],
  ['DATE-OBS', '2024-03-15T01:02:03.456'],
];

describe('header cards', () => {
  it('cards we format parse back in astropy to the same values (and in our parser)', () => {
    const lines: string[] = [];
    for (const [key, value] of VALUES)
      lines.push(
        ...formatCard({
          key: key.replace(/^HIERARCH /, ''),
          value,
          comment: key === 'REAL' ? 'a comment / with slash' : undefined,
        }),
      );
    for (const l of lines) assert.equal(l.length, 80);
    const text = `${lines.join('')}${'END'.padEnd(80)}`;
    const ref = JSON.parse(
      python(
        `import json, warnings\nwarnings.simplefilter('error')\nfrom astropy.io import fits\nh = fits.Header.fromstring(${JSON.stringify(text)})\nprint(json.dumps({k: h[k] for k in h.keys()}))`,
      ),
    );
    const ours = new FitsHeader(
      foldCards(
        lines.map((l) => parseCard(l)).filter((c): c is Exclude<typeof c, 'END'> => c !== 'END'),
        () => assert.fail('no warnings expected'),
      ),
    );
    for (const [key, value] of VALUES) {
      const k = key.replace(/^HIERARCH /, '');
      const expected = typeof value === 'string' ? value.trimEnd() : value;
      // astropy 5.2 cannot read back a long run of quotes (its own output included): skip that one there.
      if (k !== 'LONGQ') assert.deepEqual(ref[k], expected, `astropy ${k}`);
      assert.deepEqual(ours.get(k), expected, `ours ${k}`);
    }
    assert.equal(ours.getComment('REAL'), 'a comment / with slash');
  });

  it('cards astropy formats parse to the same values', () => {
    const text = python(
      `from astropy.io import fits\nh = fits.Header()\nh['A'] = 1.0e-5\nh['B'] = 'x' * 100\nh['C'] = True\nh['D'] = -7\nh['E'] = 3.141592653589793\nh['HIERARCH X Y Z'] = 'deep'\nh['F'] = None\nh['COMMENT'] = 'commentary'\nh['HISTORY'] = 'history'\nh['G'] = (1.5, 'with comment')\nh['LQ2'] = "ab'" * 40\nprint(h.tostring(), end='')`,
    );
    const cards = [];
    for (let i = 0; i < text.length; i += 80) {
      const c = parseCard(text.slice(i, i + 80));
      if (c === 'END') break;
      cards.push(c);
    }
    const h = new FitsHeader(foldCards(cards, () => undefined));
    assert.equal(h.get('A'), 1e-5);
    assert.equal(h.get('B'), 'x'.repeat(100));
    assert.equal(h.get('C'), true);
    assert.equal(h.get('D'), -7);
    assert.equal(h.get('E'), Math.PI);
    assert.equal(h.get('X Y Z'), 'deep');
    assert.equal(h.get('F'), null);
    assert.deepEqual(h.commentary('COMMENT'), ['commentary']);
    assert.deepEqual(h.commentary('HISTORY'), ['history']);
    assert.equal(h.getComment('G'), 'with comment');
    assert.equal(h.get('LQ2'), "ab'".repeat(40));
  });

  it('lenient reads: D exponents, free-format values, duplicates (last wins, warned)', () => {
    const warnings: string[] = [];
    const raw = [
      'EXPO    =             1.5D+03',
      "FREE    = 'x' / free",
      'DUP     =                    1',
      'DUP     =                    2',
    ].map((l) => parseCard(l.padEnd(80)));
    const h = new FitsHeader(
      foldCards(
        raw.filter((c): c is Exclude<typeof c, 'END'> => c !== 'END'),
        (m) => warnings.push(m),
      ),
    );
    assert.equal(h.get('EXPO'), 1500);
    assert.equal(h.get('FREE'), 'x');
    assert.equal(h.get('DUP'), 2);
    assert.deepEqual(warnings, ['duplicate keyword DUP; the last value is used']);
  });

  it('set/get/delete/toRecord', () => {
    const h = FitsHeader.from({ OBJECT: 'M31', EXPTIME: 30 });
    h.set('EXPTIME', 60).addHistory('h1');
    assert.equal(h.getNumber('exptime'), 60);
    assert.equal(h.getString('OBJECT'), 'M31');
    assert.equal(h.getString('EXPTIME'), undefined);
    assert.deepEqual(h.toRecord(), { OBJECT: 'M31', EXPTIME: 60 });
    assert.equal(h.delete('OBJECT'), 1);
    assert.equal(h.has('OBJECT'), false);
    assert.throws(() => formatCard({ key: 'BAD', value: Number.NaN }), /keyword BAD: NaN cannot be written/);
    assert.throws(() => formatCard({ key: 'BAD', value: 'café' }), /keyword BAD: header text must be printable ASCII/);
  });
});
