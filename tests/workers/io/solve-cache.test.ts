// The plate solver's on-disk cache: entries round-trip exactly, a damaged or foreign file is never
// trusted (read as absent), a changed index file gets a new entry, and `valid` rejects a bad entry.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  cachedSolveArrays,
  readSolveCache,
  solveCachePath,
  writeSolveCache,
} from '../../../src-workers/io/solve-cache.js';

describe('solve cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owb-solve-cache-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const source = join(dir, 'index-test.fits');
  writeFileSync(source, 'not really an index');

  it('round-trips typed arrays exactly (odd lengths, 8-byte padding)', async () => {
    const arrays = {
      order: Uint32Array.from([5, 1, 4294967295]),
      codes: Float32Array.from([0.1, -0.2, 3.5, Number.NaN, 1e-30]),
      z: Float64Array.from([Math.PI, -1 / 3]),
    };
    const path = solveCachePath(join(dir, 'c'), source, 'rt');
    await writeSolveCache(path, join(dir, 'c'), arrays);
    const back = readSolveCache(path, ['order', 'codes', 'z']);
    assert.ok(back);
    assert.deepEqual(Array.from(back.order), Array.from(arrays.order));
    assert.ok(back.codes instanceof Float32Array);
    assert.deepEqual(Array.from(back.codes), Array.from(arrays.codes));
    assert.deepEqual(Array.from(back.z), Array.from(arrays.z));
    assert.equal(readSolveCache(path, ['missing']), null);
  });

  it('treats truncated, foreign and absent files as absent', async () => {
    const path = solveCachePath(join(dir, 'd'), source, 'bad');
    await writeSolveCache(path, join(dir, 'd'), { a: new Float64Array(1000).fill(2) });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    assert.equal(readSolveCache(path, ['a']), null);
    writeFileSync(path, Buffer.from('SIMPLE  =                    T'.padEnd(2880)));
    assert.equal(readSolveCache(path, ['a']), null);
    assert.equal(readSolveCache(join(dir, 'nope.bin'), ['a']), null);
  });

  it('builds once, then reads; a changed index file or an invalid entry is rebuilt', async () => {
    let builds = 0;
    const build = () => {
      builds++;
      return { v: Uint32Array.from([builds]) };
    };
    const d = join(dir, 'e');
    const first = await cachedSolveArrays(d, source, 'count', ['v'], build);
    const second = await cachedSolveArrays(d, source, 'count', ['v'], build);
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(second.arrays.v[0], 1);
    assert.equal(builds, 1);
    utimesSync(source, new Date(), new Date(Date.now() + 5000));
    const third = await cachedSolveArrays(d, source, 'count', ['v'], build);
    assert.equal(third.fromCache, false);
    assert.equal(builds, 2);
    const fourth = await cachedSolveArrays(d, source, 'count', ['v'], build, (a) => a.v[0] !== 2);
    assert.equal(fourth.fromCache, false);
    assert.equal(builds, 3);
    // Without a folder nothing is cached.
    assert.equal((await cachedSolveArrays(undefined, source, 'count', ['v'], build)).fromCache, false);
  });
});
