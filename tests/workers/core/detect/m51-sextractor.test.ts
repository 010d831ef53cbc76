// Galaxies against SExtractor: the KPNO M51 frame (IRAF's dev$pix), run through `source-extractor` and our
// detector with the same settings (1.5 σ, 5 px, SExtractor's gauss_3.0_5x5 filter, 32 levels, contrast 0.005,
// CLEAN 1.0, 64 px meshes, 3×3 median filter). Before the CLEAN and threshold fixes the galaxy's arms came
// out as 220 sources against SExtractor's 136.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBackgroundModel } from '../../../../src-workers/core/background/index.js';
import { detectSources, parseConvKernel } from '../../../../src-workers/core/detect/index.js';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { REAL_DIR, astropyImage } from '../../fits-oracles.js';

const FRAME = join(process.env.OWB_REAL_DIR ?? REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits');
const CONV = '/usr/share/source-extractor/gauss_3.0_5x5.conv';
const hasSextractor = spawnSync('source-extractor', ['-v'], { encoding: 'utf8' }).status === 0;
const skip = !existsSync(FRAME)
  ? `the real frame ${FRAME} is not here (set OWB_REAL_DIR)`
  : !hasSextractor || !existsSync(CONV)
    ? 'source-extractor (Debian package source-extractor) is not installed'
    : false;

const CONFIG = `CATALOG_TYPE ASCII_HEAD
DETECT_TYPE CCD
DETECT_MINAREA 5
DETECT_THRESH 1.5
ANALYSIS_THRESH 1.5
FILTER Y
FILTER_NAME ${CONV}
DEBLEND_NTHRESH 32
DEBLEND_MINCONT 0.005
CLEAN Y
CLEAN_PARAM 1.0
MASK_TYPE CORRECT
WEIGHT_TYPE NONE
PHOT_APERTURES 10
SATUR_LEVEL 60000.0
GAIN 1.5
PIXEL_SCALE 0.5
SEEING_FWHM 1.5
BACK_TYPE AUTO
BACK_SIZE 64
BACK_FILTERSIZE 3
BACKPHOTO_TYPE GLOBAL
MEMORY_OBJSTACK 30000
MEMORY_PIXSTACK 5000000
MEMORY_BUFSIZE 4096
VERBOSE_TYPE QUIET
WRITE_XML N
`;

interface SexSource {
  x: number;
  y: number;
  snr: number;
  fwhm: number;
  flags: number;
}

describe('KPNO M51 against SExtractor', { skip }, () => {
  const dir = skip ? '' : mkdtempSync(join(tmpdir(), 'owb-m51-'));
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  let reference: SexSource[] | undefined;
  const sextractor = (): SexSource[] => {
    if (reference) return reference;
    writeFileSync(join(dir, 'm51.sex'), CONFIG);
    writeFileSync(
      join(dir, 'm51.param'),
      ['NUMBER', 'X_IMAGE', 'Y_IMAGE', 'FLUX_APER(1)', 'FLUXERR_APER(1)', 'FWHM_IMAGE', 'FLAGS'].join('\n') + '\n',
    );
    const run = spawnSync(
      'source-extractor',
      [
        FRAME,
        '-c',
        join(dir, 'm51.sex'),
        '-PARAMETERS_NAME',
        join(dir, 'm51.param'),
        '-CATALOG_NAME',
        join(dir, 'm51.cat'),
        '-CHECKIMAGE_TYPE',
        'MINIBACKGROUND',
        '-CHECKIMAGE_NAME',
        join(dir, 'meshes.fits'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    reference = readFileSync(join(dir, 'm51.cat'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => {
        const v = l.trim().split(/\s+/).map(Number);
        // SExtractor's positions are 1-based; ours are 0-based pixel centres.
        return { x: v[1] - 1, y: v[2] - 1, snr: v[3] / v[4], fwhm: v[5], flags: v[6] };
      });
    return reference;
  };

  it('the number of sources is within 10 % of SExtractor’s, and ≥ 85 % of its SNR ≥ 10 sources have a counterpart', async () => {
    const ref = sextractor();
    const { image } = await readFitsImage(FRAME);
    const cat = detectSources(image, {
      filterKernel: parseConvKernel(readFileSync(CONV, 'utf8'), 'gauss_3.0_5x5.conv'),
      gainEPerAdu: 1.5,
    });
    // Measured: 135 against SExtractor's 136 (220 before the fix).
    assert.ok(
      Math.abs(cat.count - ref.length) <= 0.1 * ref.length,
      `${cat.count} sources against SExtractor's ${ref.length}`,
    );
    // Counterpart: one of ours within max(1.5 px, 0.25 FWHM) of SExtractor's position (the audit's criterion).
    const bright = ref.filter((s) => s.snr >= 10);
    const found = bright.filter((s) => {
      const r = Math.max(1.5, 0.25 * s.fwhm);
      for (let i = 0; i < cat.count; i++) if (Math.hypot(cat.x[i] - s.x, cat.y[i] - s.y) <= r) return true;
      return false;
    });
    // Measured: 0.898 (106 of 118); the misses are fragments of the blended arms whose pixels the two
    // deblenders share out differently, so their barycentres differ by more than the radius.
    assert.ok(bright.length >= 50, `only ${bright.length} SNR ≥ 10 sources in SExtractor's catalog`);
    assert.ok(
      found.length >= 0.85 * bright.length,
      `${found.length} of SExtractor's ${bright.length} SNR ≥ 10 sources have a counterpart`,
    );
  });

  it('the filtered background meshes match SExtractor’s MINIBACKGROUND, the border meshes included', async () => {
    sextractor();
    const { image } = await readFitsImage(FRAME);
    const ref = astropyImage(join(dir, 'meshes.fits'), 0).data;
    const model = buildBackgroundModel(image, { meshSizePx: 64, filterSize: 3 });
    assert.equal(ref.length, model.nx * model.ny);
    const border: string[] = [];
    const diffs: number[] = [];
    for (let j = 0; j < model.ny; j++) {
      for (let i = 0; i < model.nx; i++) {
        const d = Math.abs(model.level[j * model.nx + i] - ref[j * model.nx + i]);
        diffs.push(d);
        const onBorder = i === 0 || j === 0 || i === model.nx - 1 || j === model.ny - 1;
        if (onBorder && d >= 1)
          border.push(`(${i}, ${j}): ${model.level[j * model.nx + i]} vs ${ref[j * model.nx + i]}`);
      }
    }
    diffs.sort((p, q) => p - q);
    // The galaxy spans levels 40–150 ADU over the frame. A one-sided median box at the borders put the border
    // meshes up to 15 ADU too high; SExtractor shrinks the box symmetrically there. Measured now: every
    // border mesh within 0.5 ADU. (One mesh on the galaxy, where the mode/median choice is borderline,
    // differs by 9 ADU before filtering; the median over all meshes is 0.1 ADU.)
    assert.deepEqual(border, [], 'border meshes differing by ≥ 1 ADU');
    assert.ok(diffs[diffs.length >> 1] < 0.5, `median mesh difference ${diffs[diffs.length >> 1]} ADU`);
  });
});
