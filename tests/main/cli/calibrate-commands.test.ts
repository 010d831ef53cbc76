import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandMultiValues } from '../../../src-main/cli/commands/masters.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { writeCalibrationSet, type CalibrationSet } from '../node/calibrate/calibration-set.js';

function owb(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('expandMultiValues', () => {
  it('accepts several files after one flag as well as repeated flags', () => {
    assert.deepEqual(
      expandMultiValues(['--bias', 'a', 'b', '--darks', 'c', '--bias', 'd', '--out', 'o'], ['--bias', '--darks']),
      ['--bias', 'a', '--bias', 'b', '--darks', 'c', '--bias', 'd', '--out', 'o'],
    );
  });
});

describe('owb masters / owb calibrate', () => {
  let dir: string;
  let set: CalibrationSet;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-cli-cal-'));
    set = await writeCalibrationSet(join(dir, 'raw'), { frames: 5 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds masters from files given after each flag and calibrates lights to the true sky (±1 ADU mean)', async () => {
    const m = owb(
      'masters',
      '--bias',
      ...set.bias,
      '--darks',
      ...set.darks,
      '--flats',
      ...set.flats,
      '--out',
      join(dir, 'm'),
      '--combine',
      'sigma',
    );
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /flat +5 frames → .*master_flat_R\.fits/);
    const c = owb('calibrate', ...set.lights, '--masters', join(dir, 'm'), '--out', join(dir, 'cal'));
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /3 of 3 lights calibrated/);
    const { image } = await readFitsImage(join(dir, 'cal', 'light_1.fits'));
    const mean = image.data.reduce((s, v) => s + v, 0) / image.data.length;
    assert.ok(Math.abs(mean - set.truth.sky) < 1, `mean ${mean}`);
  });

  it('exits 2 with a message naming the problem', () => {
    const r = owb('masters', '--bias', join(dir, 'missing.fits'), '--out', join(dir, 'x'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.fits/);
    const u = owb('masters', '--bias', ...set.bias, '--out', join(dir, 'x'), '--combine', 'avg');
    assert.equal(u.status, 2);
    assert.match(u.stderr, /--combine must be one of mean\|median\|sigma\|winsor\|minmax, got 'avg'/);
  });
});
