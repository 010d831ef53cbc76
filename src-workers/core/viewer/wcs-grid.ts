/**
 * RA/Dec coordinate grid of a frame, as DS9's "Coordinate Grid" draws it: lines of constant RA and of
 * constant Dec (ICRS degrees) traced through the frame's WCS into 0-based pixel coordinates, split into
 * segments where they leave the image, with a "nice" spacing (1, 2, 5, 10, 15, 30 in ″, ′ or °; RA in
 * time units) giving a handful of lines across the field.
 */
import type { SkyWcs } from '../wcs/index.js';

/** One traced line: its sky value and the pixel polylines where it crosses the image. */
export interface GridLine {
  /** 'ra': a line of constant RA (a meridian); 'dec': a line of constant Dec (a parallel). */
  axis: 'ra' | 'dec';
  /** The constant coordinate, ICRS degrees (RA in [0, 360)). */
  valueDeg: number;
  /** Label text: RA as 13h29m50s, Dec as +47°12′30″, to the precision of the spacing. */
  label: string;
  /** Polylines inside the image, each a flat [x0, y0, x1, y1, …] list in 0-based pixel coordinates. */
  segments: number[][];
  /** The sky position of every vertex of `segments`, [ra0, dec0, ra1, dec1, …] ICRS degrees (for checks). */
  skySegments: number[][];
}

export interface WcsGrid {
  raStepDeg: number;
  decStepDeg: number;
  lines: GridLine[];
}

export interface WcsGridOptions {
  /** Wanted number of lines along each axis [5]; the spacing is the nice value nearest to range / this. */
  targetLines?: number;
  /** Vertices per line across the field [96]; more follow strong curvature (near a pole) better. */
  samples?: number;
}

// Nice spacings in arcseconds: of Dec (arc) and of RA (time seconds × 15).
const ARC_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 54000, 108000, 324000];
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].map((s) => s * 15);

function niceStep(rangeDeg: number, target: number, steps: number[]): number {
  const want = (rangeDeg * 3600) / Math.max(1, target);
  let best = steps[steps.length - 1];
  for (const s of steps) {
    if (s >= want * 0.7) {
      best = s;
      break;
    }
  }
  return best / 3600;
}

/** Sexagesimal label of an RA (hours) or Dec (degrees) to the precision a spacing of `stepDeg` needs. */
export function formatGridValue(axis: 'ra' | 'dec', valueDeg: number, stepDeg: number): string {
  const units = axis === 'ra' ? (valueDeg / 15 + 24) % 24 : Math.abs(valueDeg);
  const stepUnits = axis === 'ra' ? stepDeg / 15 : stepDeg;
  const total = Math.round(units * 3600);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const [a, b, c] = axis === 'ra' ? ['h', 'm', 's'] : ['°', '′', '″'];
  const sign = axis === 'dec' ? (valueDeg < 0 && total > 0 ? '−' : '+') : '';
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  if (stepUnits * 3600 >= 3600 - 1e-6 && m === 0 && s === 0) return `${sign}${h}${a}`;
  if (stepUnits * 3600 >= 60 - 1e-6 && s === 0) return `${sign}${h}${a}${mm}${b}`;
  return `${sign}${h}${a}${mm}${b}${ss}${c}`;
}

/** Wraps an RA difference into (−180, 180]. */
const wrap180 = (d: number): number => ((((d + 180) % 360) + 360) % 360) - 180;

/**
 * The grid of a `widthPx`×`heightPx` frame. The sky extent is measured on a 17×17 lattice of pixels over
 * the frame (RA relative to the centre, so 0h is crossed cleanly); a pole inside the frame widens RA to the
 * full circle. Returns no lines where the WCS does not give finite sky positions. Pure; does not keep state.
 */
export function wcsGrid(wcs: SkyWcs, widthPx: number, heightPx: number, options: WcsGridOptions = {}): WcsGrid {
  const target = options.targetLines ?? 5;
  const samples = Math.max(8, Math.round(options.samples ?? 96));
  const empty: WcsGrid = { raStepDeg: 0, decStepDeg: 0, lines: [] };
  if (!(widthPx > 0 && heightPx > 0)) return empty;
  const [ra0, dec0] = wcs.pixelToSky((widthPx - 1) / 2, (heightPx - 1) / 2);
  if (!Number.isFinite(ra0) || !Number.isFinite(dec0)) return empty;
  let dRaMin = Infinity;
  let dRaMax = -Infinity;
  let decMin = Infinity;
  let decMax = -Infinity;
  const n = 16;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const [ra, dec] = wcs.pixelToSky(-0.5 + (i / n) * widthPx, -0.5 + (j / n) * heightPx);
      if (!Number.isFinite(ra) || !Number.isFinite(dec)) continue;
      const d = wrap180(ra - ra0);
      dRaMin = Math.min(dRaMin, d);
      dRaMax = Math.max(dRaMax, d);
      decMin = Math.min(decMin, dec);
      decMax = Math.max(decMax, dec);
    }
  }
  if (!Number.isFinite(dRaMin)) return empty;
  const inside = (x: number, y: number): boolean => x >= -0.5 && y >= -0.5 && x <= widthPx - 0.5 && y <= heightPx - 0.5;
  for (const pole of [90, -90]) {
    const [px, py] = wcs.skyToPixel(0, pole);
    if (Number.isFinite(px) && inside(px, py)) {
      dRaMin = -180;
      dRaMax = 180;
      if (pole > 0) decMax = 90;
      else decMin = -90;
    }
  }
  // The RA spacing counts lines across the RA range (not the on-sky width), in time units.
  const raStep = niceStep(dRaMax - dRaMin, target, TIME_STEPS);
  const decStepDeg = niceStep(decMax - decMin, target, ARC_STEPS);
  // Lines run a little past the measured extent so they reach the frame's edges.
  const decLo = Math.max(-90, decMin - decStepDeg);
  const decHi = Math.min(90, decMax + decStepDeg);
  const lines: GridLine[] = [];
  const trace = (axis: 'ra' | 'dec', valueDeg: number, step: number, ras: number[], decs: number[]): void => {
    const { x, y } = wcs.skyToPixels(ras, decs);
    const segments: number[][] = [];
    const skySegments: number[][] = [];
    let seg: number[] | null = null;
    let sky: number[] | null = null;
    for (let k = 0; k < ras.length; k++) {
      if (Number.isFinite(x[k]) && Number.isFinite(y[k]) && inside(x[k], y[k])) {
        if (!seg || !sky) {
          seg = [];
          sky = [];
          segments.push(seg);
          skySegments.push(sky);
        }
        seg.push(x[k], y[k]);
        sky.push(ras[k], decs[k]);
      } else {
        seg = null;
        sky = null;
      }
    }
    const kept = segments.filter((s) => s.length >= 4);
    if (!kept.length) return;
    lines.push({
      axis,
      valueDeg,
      label: formatGridValue(axis, valueDeg, step),
      segments: kept,
      skySegments: skySegments.filter((s) => s.length >= 4),
    });
  };
  // Integer multiples of the step, so values are exact and the loops do not drift.
  const raK0 = Math.floor((ra0 + dRaMin) / raStep);
  const raK1 = Math.ceil((ra0 + dRaMax) / raStep);
  for (let k = raK0; k <= raK1 && k - raK0 < 360 / raStep; k++) {
    const value = (((k * raStep) % 360) + 360) % 360;
    const decs = Array.from({ length: samples + 1 }, (_, k) => decLo + ((decHi - decLo) * k) / samples);
    trace('ra', value, raStep, new Array<number>(decs.length).fill(value), decs);
    if (lines.length > 200) break;
  }
  const raLo = ra0 + dRaMin - raStep;
  const raHi = ra0 + dRaMax + raStep;
  for (let k = Math.ceil(decLo / decStepDeg); k * decStepDeg <= decHi + 1e-9; k++) {
    const dec = k * decStepDeg;
    if (Math.abs(dec) >= 90 - 1e-9) continue;
    const ras = Array.from({ length: samples + 1 }, (_, k) => {
      const r = raLo + ((raHi - raLo) * k) / samples;
      return ((r % 360) + 360) % 360;
    });
    trace('dec', dec, decStepDeg, ras, new Array<number>(ras.length).fill(dec));
    if (lines.length > 400) break;
  }
  return { raStepDeg: raStep, decStepDeg, lines };
}
