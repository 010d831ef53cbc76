/**
 * A small synthetic calibration set with known truth, written as camera-style FITS into a temp dir:
 * bias (fixed pattern + read noise), darks (dark current map × 60 s), flats (vignetting × pixel response,
 * filter R), lights (sky × flat + dark × 120 s + bias, with a few cosmic rays).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';

export interface CalibrationSet {
  bias: string[];
  darks: string[];
  flats: string[];
  lights: string[];
  width: number;
  height: number;
  truth: { bias: Float32Array; darkPerSec: Float32Array; flat: Float32Array; sky: number };
  readNoiseAdu: number;
}

export async function writeCalibrationSet(
  dir: string,
  options: { width?: number; height?: number; frames?: number; seed?: number } = {},
): Promise<CalibrationSet> {
  const width = options.width ?? 64;
  const height = options.height ?? 48;
  const frames = options.frames ?? 7;
  const rng = createRng(options.seed ?? 1234);
  const n = width * height;
  const readNoiseAdu = 4;
  const bias = Float32Array.from(
    { length: n },
    (_, i) => 1000 + 3 * Math.sin(i % width) + 0.01 * Math.floor(i / width),
  );
  const darkPerSec = Float32Array.from({ length: n }, () => 0.2 + 0.1 * rng.next());
  for (const i of [100, 1500, 2222]) darkPerSec[i] = 50; // hot pixels
  const flatRaw = Float32Array.from({ length: n }, (_, i) => {
    const x = (i % width) / width - 0.5;
    const y = Math.floor(i / width) / height - 0.5;
    return (1 - 0.3 * (x * x + y * y)) * (1 + 0.01 * rng.normal());
  });
  const sorted = Float32Array.from(flatRaw).sort();
  const med = 0.5 * (sorted[(n >> 1) - 1] + sorted[n >> 1]);
  const flat = Float32Array.from(flatRaw, (v) => v / med);
  const sky = 500;
  const out: CalibrationSet = {
    bias: [],
    darks: [],
    flats: [],
    lights: [],
    width,
    height,
    truth: { bias, darkPerSec, flat, sky },
    readNoiseAdu,
  };
  for (const sub of ['bias', 'darks', 'flats', 'lights']) mkdirSync(join(dir, sub), { recursive: true });
  const noisy = (expect: (i: number) => number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => Math.round(expect(i) + readNoiseAdu * rng.normal()));
  const base = { XBINNING: 1, YBINNING: 1, GAIN: 1, RDNOISE: readNoiseAdu };
  for (let k = 0; k < frames; k++) {
    const p = join(dir, 'bias', `bias_${k}.fits`);
    await writeFitsImage(
      p,
      { width, height, data: noisy((i) => bias[i]) },
      { bitpix: 16, header: { ...base, IMAGETYP: 'Bias Frame', EXPTIME: 0 } },
    );
    out.bias.push(p);
  }
  for (let k = 0; k < frames; k++) {
    const p = join(dir, 'darks', `dark_${k}.fits`);
    await writeFitsImage(
      p,
      { width, height, data: noisy((i) => bias[i] + darkPerSec[i] * 60) },
      { bitpix: 16, header: { ...base, IMAGETYP: 'DARK', EXPTIME: 60 } },
    );
    out.darks.push(p);
  }
  for (let k = 0; k < frames; k++) {
    const level = 20000 * (0.9 + 0.2 * rng.next());
    const p = join(dir, 'flats', `flat_${k}.fits`);
    await writeFitsImage(
      p,
      { width, height, data: noisy((i) => bias[i] + level * flat[i] + darkPerSec[i] * 2) },
      {
        bitpix: 16,
        header: { ...base, IMAGETYP: 'Flat Field', EXPTIME: 2, FILTER: 'R' },
      },
    );
    out.flats.push(p);
  }
  for (let k = 0; k < 3; k++) {
    const p = join(dir, 'lights', `light_${k}.fits`);
    await writeFitsImage(
      p,
      { width, height, data: noisy((i) => bias[i] + sky * flat[i] + darkPerSec[i] * 120) },
      {
        bitpix: 16,
        header: { ...base, IMAGETYP: 'Light Frame', EXPTIME: 120, FILTER: 'R' },
      },
    );
    out.lights.push(p);
  }
  return out;
}
