import { writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import type { SynthConfig } from '../core/synth/config.js';
import { Gray8PngEncoder } from '../core/synth/png-encoder.js';
import { crc32 } from '../core/synth/png.js';
import { toGray8, type GeneratedSample } from '../core/synth/sample.js';
import { SynthFitsEncoder, type ValueCard } from './synth-fits.js';

/**
 * Encodes one generated sample in the configured `Output.image_format`. The bytes may live in the
 * encoder's own buffer: use them before the next call.
 */
export type SampleEncoder = (sample: GeneratedSample) => Uint8Array | Promise<Uint8Array>;

/** Native CRC-32 where Node has it (≥ 20.15), else core's table-driven one: same values. */
const crc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? crc32;

/** Builds the encoder of a configuration; sharp is loaded only for JPEG, so PNG and FITS start fast. */
export async function createSampleEncoder(config: SynthConfig): Promise<SampleEncoder> {
  const size = config.General.image_size;
  const out = config.Output;
  if (out.image_format === 'PNG') {
    const png = new Gray8PngEncoder(size, size, crc);
    return (s) =>
      config.General.mode === 'physical'
        ? png.encode(physicalGray(s.pixels))
        : png.encodeScaled(s.pixels, out.png_pedestal);
  }
  if (out.image_format === 'JPEG') {
    const { default: sharp } = await import('sharp');
    sharp.concurrency(1);
    return async (s) => {
      const buffer = await sharp(grayOf(config, s), { raw: { width: size, height: size, channels: 1 } })
        .toColourspace('b-w')
        .jpeg({ quality: out.jpeg_quality })
        .toBuffer();
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    };
  }
  const fits = new SynthFitsEncoder({ width: size, height: size });
  return (s) => fits.encode(size, size, s.pixels, fitsCards(config, s));
}

function grayOf(config: SynthConfig, s: GeneratedSample): Uint8Array {
  if (config.General.mode === 'physical') return physicalGray(s.pixels);
  return toGray8(s.pixels, config.Output.png_pedestal);
}

/** Physical images are in ADU: 8-bit files use an asinh stretch between the sky level and the peak. */
function physicalGray(pixels: Float64Array): Uint8Array {
  const sorted = Float64Array.from(pixels).sort();
  const lo = sorted[Math.floor(0.02 * (sorted.length - 1))];
  const hi = sorted[sorted.length - 1];
  const span = Math.max(hi - lo, 1e-12);
  const soft = 0.05;
  const norm = Math.asinh(1 / soft);
  const out = new Uint8ClampedArray(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (255 * Math.asinh(Math.max(0, pixels[i] - lo) / span / soft)) / norm;
  return new Uint8Array(out.buffer);
}

export function fitsCards(config: SynthConfig, s: GeneratedSample): ValueCard[] {
  const cards: ValueCard[] = [
    { key: 'ORIGIN', value: 'Observatory Workbench owb synth' },
    { key: 'SYNMODE', value: config.General.mode, comment: 'synthetic generator mode' },
    { key: 'LABEL', value: s.plan.label, comment: '1 = lens, 0 = non-lens' },
    { key: 'SPLIT', value: s.plan.split },
    { key: 'IMGINDEX', value: s.plan.index, comment: 'global image index' },
    { key: 'SEED', value: s.plan.seed, comment: 'per-image seed, deriveSeed(General.seed, index)' },
  ];
  if (s.params.kind === 'physical') {
    const p = config.Physical;
    cards.push(
      { key: 'BUNIT', value: 'adu' },
      { key: 'EXPTIME', value: p.exposure_sec, comment: '[s] exposure time' },
      { key: 'GAIN', value: p.gain_e_per_adu, comment: '[e-/adu]' },
      { key: 'RDNOISE', value: p.read_noise_e, comment: '[e-] read noise' },
      { key: 'MAGZP', value: p.zero_point_mag, comment: 'magnitude of 1 e-/s' },
      { key: 'PIXSCALE', value: p.pixel_scale_arcsec, comment: '[arcsec/pixel]' },
      {
        key: 'SKYLEVEL',
        value: Number((s.params.skyPerPixelE / p.gain_e_per_adu).toFixed(4)),
        comment: '[adu] sky per pixel',
      },
      {
        key: 'THETAE',
        value: Number(s.params.mass.thetaE.toFixed(6)),
        comment: '[arcsec] SIE Einstein radius (0 = unlensed)',
      },
    );
  } else {
    cards.push({
      key: 'THETAE',
      value: Number(s.params.einsteinRadiusPx.toFixed(6)),
      comment: '[pixel] ring radius (0 = non-lens)',
    });
  }
  return cards;
}

/**
 * Writes an image straight to `path` in a run's staging folder, which no reader of the dataset looks in,
 * so no temporary file and rename are needed (they cost a third of a small image's time). Synchronous:
 * for files of a few KiB the kernel's work costs less in the calling thread than a round trip through
 * libuv's pool. No fsync: a resumed run verifies every file it finds (format trailer and size).
 */
export function writeImageSync(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new Error(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
