// Test helper: tiny synthetic FITS frames (a few Gaussian stars on a flat sky with a TAN WCS).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';

export interface FrameSpec {
  /** Varies the noise, so frames with different seeds have different content. */
  seed: number;
  size?: number;
  imagetyp?: string;
  stars?: Array<[number, number, number]>;
  dateObs?: string;
}

export const DEFAULT_STARS: Array<[number, number, number]> = [
  [10.3, 12.7, 4000],
  [30.1, 20.4, 2500],
  [22.5, 40.2, 6000],
  [45.2, 45.8, 3000],
];

/** FITS bytes of a small frame: deterministic for a given spec. */
export function frameBytes(spec: FrameSpec): Uint8Array {
  const size = spec.size ?? 56;
  const data = new Float32Array(size * size);
  let s = (spec.seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = 100 + ((s % 1000) / 1000 - 0.5) * 6;
  }
  if ((spec.imagetyp ?? 'Light Frame').toLowerCase().startsWith('light')) {
    for (const [x0, y0, flux] of spec.stars ?? DEFAULT_STARS) {
      const sigma = 1.3;
      for (let y = Math.max(0, Math.floor(y0 - 6)); y <= Math.min(size - 1, Math.ceil(y0 + 6)); y++) {
        for (let x = Math.max(0, Math.floor(x0 - 6)); x <= Math.min(size - 1, Math.ceil(x0 + 6)); x++) {
          data[y * size + x] +=
            (flux / (2 * Math.PI * sigma * sigma)) * Math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2 * sigma * sigma));
        }
      }
    }
  }
  const header = {
    IMAGETYP: spec.imagetyp ?? 'Light Frame',
    EXPTIME: 30,
    FILTER: 'V',
    'DATE-OBS': spec.dateObs ?? `2026-01-01T00:${String(spec.seed % 60).padStart(2, '0')}:00`,
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRVAL1: 150,
    CRVAL2: 2,
    CRPIX1: size / 2,
    CRPIX2: size / 2,
    CD1_1: -0.0005,
    CD1_2: 0,
    CD2_1: 0,
    CD2_2: 0.0005,
  };
  return encodeFits([imageHdu({ width: size, height: size, data }, { header, bitpix: -32 })]);
}

export function writeFrame(path: string, spec: FrameSpec): Uint8Array {
  mkdirSync(dirname(path), { recursive: true });
  const bytes = frameBytes(spec);
  writeFileSync(path, bytes);
  return bytes;
}
