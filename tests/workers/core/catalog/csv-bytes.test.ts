// The CSV byte writer prints every number exactly as the string conversion it replaces
// (`String(Number(v.toPrecision(10)))`, `String(v)` for integer columns), the definition of our CSV format.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnsToCsv, csvBodyBytes, type OutputColumn } from '../../../../src-workers/core/catalog/index.js';

const reference = (v: number): string => {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(Number(v.toPrecision(10)));
};

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function body(values: Float64Array): string[] {
  const cols: OutputColumn[] = [{ name: 'v', unit: '', data: values }];
  return Buffer.from(csvBodyBytes(cols, values.length)).toString('latin1').split('\n').slice(0, -1);
}

describe('csvBodyBytes', () => {
  it('prints random values of every magnitude as toPrecision(10) does', () => {
    const rnd = seeded(7);
    const values = new Float64Array(400_000);
    for (let i = 0; i < values.length; i += 4) {
      const v = (rnd() - 0.5) * 2 * 10 ** (Math.floor(rnd() * 50) - 25);
      values[i] = v;
      values[i + 1] = Math.round(v);
      values[i + 2] = Math.fround(v);
      values[i + 3] = Math.round(v * 1000) / 1000;
    }
    const got = body(values);
    for (let i = 0; i < values.length; i++) assert.equal(got[i], reference(values[i]), `value ${values[i]}`);
  });

  it('prints half-way cases, edges and special values as toPrecision(10) does', () => {
    const rnd = seeded(11);
    const list: number[] = [0, -0, 1, 0.1, 0.5, 1.5, 1e-6, 9.999999999e-7, 1e-7, 1e9, 1e10, 9999999999.5];
    list.push(99999999995, 999999999999999, 1e15, 1e21, 123456789.5, 1234567890.5, 12.3449999999999, 2.5e-6);
    list.push(5e-324, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity);
    for (let i = 0; i < 20_000; i++) {
      const m = Math.floor(rnd() * 9e9) + 1e9;
      const e = Math.floor(rnd() * 24) - 12;
      list.push((m + 0.5) * 10 ** e, (m + 0.5) / 10 ** (3 - e));
    }
    const values = Float64Array.from([...list, ...list.map((v) => -v)]);
    const got = body(values);
    for (let i = 0; i < values.length; i++) assert.equal(got[i], reference(values[i]), `value ${values[i]}`);
  });

  it('prints integer columns as String(v) and appends a line suffix', () => {
    const ints = Int32Array.from([0, 7, 10, 99, 100, 123456789, 2147483647, -1, -2147483648]);
    const cols: OutputColumn[] = [
      { name: 'id', unit: '', data: ints },
      { name: 'x', unit: 'px', data: Float64Array.from(ints, (v) => v / 3) },
    ];
    const text = Buffer.from(csvBodyBytes(cols, ints.length, Buffer.from(',AB'))).toString('latin1');
    const expected = Array.from(ints, (v) => `${String(v)},${reference(v / 3)},AB\n`).join('');
    assert.equal(text, expected);
    assert.equal(columnsToCsv(cols, ints.length), `id,x\n${expected.replaceAll(',AB', '')}`);
  });
});
