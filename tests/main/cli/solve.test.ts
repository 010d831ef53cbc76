// `owb solve` as a user runs it: a solved frame's line and written copy, an unsolvable frame that does not
// stop the batch (exit 0, with its reason), and bad input or options (exit 2, one `owb:` line).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { REAL_DIR } from '../../workers/fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-solve-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const M67 = join(process.env.OWB_REAL_DIR ?? REAL_DIR, 'dss_poss1_m67_M6707HH.fits');
const haveIndex = existsSync('/usr/share/astrometry/index-tycho2-07.littleendian.fits');

function owb(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'solve', ...args], {
    encoding: 'utf8',
    // The index cache goes to the workspace: this test's own, not the per-user one in $HOME.
    env: { ...process.env, CI: '1', OWB_WORKSPACE: join(dir, 'workspace') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A 600 × 400 frame of seeded Gaussian noise: nothing to solve. */
async function noiseFrame(path: string): Promise<void> {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const data = new Float32Array(600 * 400);
  for (let i = 0; i < data.length; i++)
    data[i] = 1000 + 10 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  await writeFitsImage(path, { width: 600, height: 400, data });
}

describe('owb solve', () => {
  it(
    'solves M67 and reports an unsolvable frame without failing the batch',
    { skip: !haveIndex || !existsSync(M67) ? 'Tycho-2 index 07 or the M67 frame absent' : false },
    async () => {
      const noise = join(dir, 'noise.fits');
      await noiseFrame(noise);
      const out = join(dir, 'out');
      // No time limit: the default budget counts candidates, so a loaded machine cannot change the answer.
      const r = owb(M67, noise, '--out', out, '--scale-low', '1.5', '--scale-high', '2');
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stdout,
        /dss_poss1_m67_M6707HH\.fits: solved {2}centre 132\.83\d+ 11\.81\d+ {2}scale 1\.70\d+"\/px .* matched \d+ {2}rms \d\.\d+"/,
      );
      assert.match(r.stdout, /noise\.fits: not solved \(.+\)/);
      assert.ok(existsSync(join(out, 'dss_poss1_m67_M6707HH.fits')));
      assert.ok(!existsSync(join(out, 'noise.fits')), 'an unsolved frame gets no copy');
    },
  );

  it('exits 2 with one owb: line for bad input and options', async () => {
    const junk = join(dir, 'junk.fits');
    writeFileSync(junk, 'not a FITS file at all');
    for (const [args, message] of [
      [[], /give at least one FILE/],
      [[junk, '--ra', '10'], /--ra and --dec together/],
      [[junk, '--ra', '10', '--dec', '95'], /--dec must be within ±90/],
      [[junk, '--scale-low', '3', '--scale-high', '1'], /--scale-high must not be below --scale-low/],
      [[join(dir, 'missing.fits')], /missing\.fits: no such file/],
      [[junk, '--index', join(dir, 'nowhere')], /--index .*nowhere: is not a folder/],
      [[junk, '--max-candidates', '0'], /--max-candidates must be a positive integer/],
      [[junk, '--max-candidates', '2.5'], /--max-candidates must be a positive integer/],
      [[junk], /junk\.fits: /],
    ] as const) {
      const r = owb(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^owb: /);
    }
  });
});
