import { createImage, type Image } from '../image/image.js';
import { createRng, deriveSeed } from '../random/rng.js';
import { simulateStarField, type SimulatedStar } from './star-field.js';

export type SimulatedFrameKind = 'bias' | 'dark' | 'flat' | 'light';

export interface SimulatedFrame {
  /** File name without folder, e.g. `light_V_003.fits`. */
  name: string;
  kind: SimulatedFrameKind;
  image: Image;
  /** FITS header cards as real cameras write them (IMAGETYP, EXPTIME, FILTER, GAIN, DATE-OBS, WCS, …). */
  header: Record<string, string | number | boolean>;
  /** Stars in this frame's pixel coordinates (lights only). */
  truth: SimulatedStar[];
}

export interface NightOptions {
  widthPx?: number;
  heightPx?: number;
  lights?: number;
  seed?: number;
}

const BIAS_ADU = 300;
const DARK_ADU_PER_SEC = 0.05;
const HOT_ADU_PER_SEC = 8;
const LIGHT_EXPTIME_SEC = 60;
const FLAT_LEVEL_ADU = 20000;
const GAIN = 1.5;
const READ_NOISE_ADU = 4;
/** Field centre and plate scale of the simulated WCS (TAN, north up, east left). */
const RA0_DEG = 150.1;
const DEC0_DEG = 2.2;
const SCALE_DEG_PER_PX = 1 / 3600;

/**
 * One simulated night: 3 bias, 3 darks (60 s), 3 V flats and `lights` V lights that drift by a few
 * pixels, with a fixed bias pattern, dark current with hot pixels, vignetting in the flats and a
 * transient that appears in the last two lights. Seeded: the same seed gives the same frames.
 */
export function simulateNight(options: NightOptions = {}): SimulatedFrame[] {
  const width = options.widthPx ?? 512;
  const height = options.heightPx ?? 512;
  const lights = options.lights ?? 6;
  const seed = options.seed ?? 2026;
  const rng = createRng(seed);
  const columnPattern = new Float32Array(width).map(() => 3 * rng.normal());
  const hotPixels = new Set(Array.from({ length: 40 }, () => rng.int(width * height)));
  const vignetting = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r2 = ((x - width / 2) ** 2 + (y - height / 2) ** 2) / ((width / 2) ** 2 + (height / 2) ** 2);
      vignetting[y * width + x] = 1 - 0.25 * r2;
    }
  }
  const frames: SimulatedFrame[] = [];
  const noisy = (index: number, fill: (i: number) => number): Image => {
    const noise = createRng(deriveSeed(seed, index));
    const image = createImage(width, height);
    for (let i = 0; i < image.data.length; i++) {
      const signal = fill(i);
      image.data[i] = signal + READ_NOISE_ADU * noise.normal();
    }
    return image;
  };
  const darkCurrent = (i: number, exptime: number): number =>
    exptime * (hotPixels.has(i) ? HOT_ADU_PER_SEC : DARK_ADU_PER_SEC);
  const base = (kind: string, exptime: number, index: number): Record<string, string | number | boolean> => ({
    IMAGETYP: kind,
    EXPTIME: exptime,
    GAIN,
    RDNOISE: READ_NOISE_ADU,
    'CCD-TEMP': -20,
    XBINNING: 1,
    YBINNING: 1,
    INSTRUME: 'OWB simulated CCD',
    TELESCOP: 'OWB demo telescope',
    'DATE-OBS': new Date(Date.UTC(2026, 2, 14, 20, 0, 0) + index * 120_000).toISOString().slice(0, 19),
  });
  for (let i = 0; i < 3; i++) {
    frames.push({
      name: `bias_${pad(i + 1)}.fits`,
      kind: 'bias',
      image: noisy(100 + i, (p) => BIAS_ADU + columnPattern[p % width]),
      header: base('Bias Frame', 0, i),
      truth: [],
    });
  }
  for (let i = 0; i < 3; i++) {
    frames.push({
      name: `dark_${pad(i + 1)}.fits`,
      kind: 'dark',
      image: noisy(200 + i, (p) => BIAS_ADU + columnPattern[p % width] + darkCurrent(p, LIGHT_EXPTIME_SEC)),
      header: base('Dark Frame', LIGHT_EXPTIME_SEC, 3 + i),
      truth: [],
    });
  }
  for (let i = 0; i < 3; i++) {
    const shot = createRng(deriveSeed(seed, 300 + i));
    frames.push({
      name: `flat_V_${pad(i + 1)}.fits`,
      kind: 'flat',
      image: noisy(
        310 + i,
        (p) =>
          BIAS_ADU +
          columnPattern[p % width] +
          FLAT_LEVEL_ADU * vignetting[p] +
          Math.sqrt((FLAT_LEVEL_ADU * vignetting[p]) / GAIN) * shot.normal(),
      ),
      header: { ...base('Flat Field', 2, 6 + i), FILTER: 'V' },
      truth: [],
    });
  }
  const transient: SimulatedStar = { x: width * 0.62, y: height * 0.38, fluxAdu: 40000, fwhmPx: 3 };
  for (let i = 0; i < lights; i++) {
    const shift: [number, number] = [3 * Math.sin(i * 1.3), 2.5 * Math.cos(i * 0.9)];
    const { image, stars } = simulateStarField({
      widthPx: width,
      heightPx: height,
      starCount: Math.round((width * height) / 1300),
      fwhmPx: 2.8 + 0.15 * i,
      skyAdu: 400,
      gainEPerAdu: GAIN,
      readNoiseAdu: READ_NOISE_ADU,
      shiftPx: shift,
      seed,
      noiseSeed: deriveSeed(seed, 400 + i),
      extraStars: i >= lights - 2 ? [transient] : [],
    });
    for (let p = 0; p < image.data.length; p++) {
      image.data[p] =
        image.data[p] * vignetting[p] + BIAS_ADU + columnPattern[p % width] + darkCurrent(p, LIGHT_EXPTIME_SEC);
    }
    frames.push({
      name: `light_V_${pad(i + 1)}.fits`,
      kind: 'light',
      image,
      header: {
        ...base('Light Frame', LIGHT_EXPTIME_SEC, 9 + i),
        FILTER: 'V',
        OBJECT: 'OWB demo field',
        ...tanWcs(width, height, shift),
      },
      truth: stars,
    });
  }
  return frames;
}

/** A TAN WCS whose sky stays fixed while the pointing drifts by `shift` pixels. */
function tanWcs(width: number, height: number, shift: [number, number]): Record<string, string | number> {
  return {
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRPIX1: width / 2 + 1 + shift[0],
    CRPIX2: height / 2 + 1 + shift[1],
    CRVAL1: RA0_DEG,
    CRVAL2: DEC0_DEG,
    CD1_1: -SCALE_DEG_PER_PX,
    CD1_2: 0,
    CD2_1: 0,
    CD2_2: SCALE_DEG_PER_PX,
    RADESYS: 'ICRS',
    EQUINOX: 2000,
  };
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}
