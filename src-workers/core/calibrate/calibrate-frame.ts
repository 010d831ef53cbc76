/**
 * Calibrating one light with a library of masters: the flat is chosen by FILTER, the dark matched by
 * exposure and temperature or else scaled by exposure, bad pixels interpolated, and optionally L.A.Cosmic run with the frame's gain, read noise
 * and saturation. Shared by the in-process path and the `calibrate-frame` worker task.
 */
import { laCosmic } from '../cosmic/index.js';
import { InputError } from '../errors.js';
import type { Image } from '../image/index.js';
import { applyMasters } from './apply.js';
import { frameInfo, type HeaderLike } from './frame-info.js';

/** One master flat with the bad-pixel map built from it and the master dark. */
export interface FlatEntry {
  /** FILTER value ('' for a flat without filter). */
  filter: string;
  image: Image;
  badPixels?: Uint8Array;
}

/** Everything `owb masters` produced, ready to apply. */
export interface MasterLibrary {
  width: number;
  height: number;
  bias?: Image;
  dark?: Image;
  darkExposureSec?: number;
  /** False when the dark still carries the bias (no bias master): then it is applied unscaled. */
  darkBiasSubtracted: boolean;
  flats: FlatEntry[];
  /** Bad pixels from the dark alone, for lights without a usable flat. */
  darkBadPixels?: Uint8Array;
  /** Bias-subtracted darks at their own exposure (and temperature), used unscaled when a light matches. */
  matchedDarks?: MatchedDark[];
}

/** A master dark for one exposure (and sensor temperature). */
export interface MatchedDark {
  image: Image;
  exposureSec: number;
  ccdTempC?: number;
}

/** Largest sensor-temperature difference for a dark to count as matched, °C. */
export const DARK_TEMP_TOLERANCE_C = 2;

/**
 * The dark for a light: a matched dark of the same exposure (±1 ms) and temperature (±2 °C when both
 * are known) applied as is, else the default dark scaled by exposure.
 */
export function selectDark(
  lib: MasterLibrary,
  exposureSec: number | undefined,
  ccdTempC: number | undefined,
): { image?: Image; exposureSec?: number; matched: boolean } {
  if (exposureSec !== undefined && lib.darkBiasSubtracted) {
    const m = lib.matchedDarks?.find(
      (d) =>
        Math.abs(d.exposureSec - exposureSec) < 1e-3 &&
        (d.ccdTempC === undefined ||
          ccdTempC === undefined ||
          Math.abs(d.ccdTempC - ccdTempC) <= DARK_TEMP_TOLERANCE_C),
    );
    if (m) return { image: m.image, exposureSec: m.exposureSec, matched: true };
  }
  return { image: lib.dark, exposureSec: lib.darkBiasSubtracted ? lib.darkExposureSec : undefined, matched: false };
}

/** The flat for `filter`: exact match, else the unfiltered flat, else the only flat. */
export function selectFlat(lib: MasterLibrary, filter: string | undefined): FlatEntry | undefined {
  const exact = filter !== undefined ? lib.flats.find((f) => f.filter === filter) : undefined;
  return exact ?? lib.flats.find((f) => f.filter === '') ?? (lib.flats.length === 1 ? lib.flats[0] : undefined);
}

export interface CalibrateFrameOptions {
  /** Run L.A.Cosmic after calibration [false]. */
  cosmic?: boolean;
}

export interface CalibratedImage {
  image: Image;
  /** Which masters were applied: e.g. "BDF". */
  calstat: string;
  /** FILTER of the flat used, if any. */
  flatFilter?: string;
  /** Exposure of the matched dark used unscaled, if any. */
  matchedDarkSec?: number;
  cosmicPixels?: number;
}

/** Calibrates `light` (not modified); `name` is used in error messages. */
export function calibrateFrame(
  light: Image,
  header: HeaderLike,
  lib: MasterLibrary,
  name: string,
  options: CalibrateFrameOptions = {},
): CalibratedImage {
  if (lib.width && (light.width !== lib.width || light.height !== lib.height)) {
    throw new InputError(
      'FRAME_MISMATCH',
      `${name}: ${light.width}×${light.height} does not match the masters (${lib.width}×${lib.height})`,
    );
  }
  const info = frameInfo(header);
  const flat = selectFlat(lib, info.filter);
  const dark = selectDark(lib, info.exposureSec, info.ccdTempC);
  const bad = flat ? flat.badPixels : lib.darkBadPixels;
  let image = applyMasters(
    light,
    {
      bias: lib.bias,
      dark: dark.image,
      darkExposureSec: dark.exposureSec,
      flat: flat?.image,
      badPixels: bad && bad.length ? bad : undefined,
    },
    { exposureSec: info.exposureSec },
  );
  const calstat = `${lib.bias ? 'B' : ''}${dark.image ? 'D' : ''}${flat ? 'F' : ''}`;
  let cosmicPixels: number | undefined;
  if (options.cosmic) {
    const gain = info.gainEPerAdu ?? 1;
    const rd = header.get('RDNOISE');
    const sat = header.get('SATURATE');
    const r = laCosmic(image, {
      gainEPerAdu: gain,
      readNoiseE: typeof rd === 'number' ? rd : 6.5,
      saturationE: typeof sat === 'number' ? sat * gain : undefined,
    });
    image = r.clean;
    cosmicPixels = r.count;
  }
  return {
    image,
    calstat,
    flatFilter: flat?.filter,
    matchedDarkSec: dark.matched ? dark.exposureSec : undefined,
    cosmicPixels,
  };
}
