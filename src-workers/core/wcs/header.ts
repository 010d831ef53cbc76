/**
 * Reads the celestial WCS keywords of an image header (Greisen & Calabretta 2002, Paper I; Calabretta &
 * Greisen 2002, Paper II) into `WcsModel`: axis order (longitude or latitude first), CRPIX, the linear
 * part from PCi_j + CDELTi, CDi_j or CDELTi + CROTAi (PC wins over CD, CD over CROTA, as WCSLIB), CUNIT
 * (deg, arcmin, arcsec, mas, rad), CRVAL, LONPOLE/LATPOLE (or PVi_3/PVi_4 of the longitude axis), the
 * latitude axis' PVi_m, RADESYS/EQUINOX, alternate WCS letters, and the SIP, TPV or IRAF TNX/ZPX
 * distortion.
 */
import { R2D, cosd, sind } from './angles.js';
import { numberKey, stringKey, type KeywordSource } from './keywords.js';
import { readDss, type DssPlate } from './dss.js';
import { readIrafDistortion, readProjp, type IrafDistortion } from './iraf.js';
import { readSip, type SipDistortion } from './sip.js';
import { readTpv, type TpvDistortion } from './tpv.js';

/** Celestial coordinate systems of the axis types RA/DEC, GLON/GLAT, ELON/ELAT, SLON/SLAT (Paper II §3.1). */
export type CelestialSystem = 'ICRS' | 'FK5' | 'FK4' | 'FK4-NO-E' | 'GAPPT' | 'GALACTIC' | 'ECLIPTIC' | 'SUPERGALACTIC';

/** The frame of a WCS's world coordinates: system and, for FK4/FK5/ecliptic, the equinox (Julian or Besselian year). */
export interface CelestialFrameSpec {
  system: CelestialSystem;
  equinox?: number;
}

/** Everything needed to evaluate a celestial WCS, as read from a header. */
export interface WcsModel {
  /** Projection code, e.g. 'TAN'. */
  projection: string;
  /** Latitude-axis projection parameters PVi_m by m. */
  pv: (number | undefined)[];
  /** 0 when axis 1 is the longitude, 1 when the latitude comes first. */
  lonIndex: 0 | 1;
  /** Reference pixel (FITS, 1-based). */
  crpix: [number, number];
  /** Linear matrix in degrees per pixel, rows in header axis order: w_i = Σ_j m[i][j] (p_j − CRPIX_j). */
  matrix: [[number, number], [number, number]];
  /** Reference world coordinates (deg) as (longitude, latitude). */
  crvalLonLat: [number, number];
  lonpole?: number;
  latpole?: number;
  frame: CelestialFrameSpec;
  /** CTYPE values of the two axes. */
  ctype: [string, string];
  sip?: SipDistortion;
  tpv?: TpvDistortion;
  /** IRAF TNX (TAN) or ZPX (ZPN) correction surfaces from the WAT strings. */
  iraf?: IrafDistortion;
  /** A DSS plate solution replaces CRPIX, the matrix and SIP/TPV: pixel → (ξ, η) → TAN about the plate centre. */
  dss?: DssPlate;
  /** Image size NAXIS1, NAXIS2 when the header gives it. */
  naxis?: [number, number];
}

const UNITS: Record<string, number> = {
  '': 1,
  DEG: 1,
  DEGREE: 1,
  DEGREES: 1,
  ARCMIN: 1 / 60,
  ARCSEC: 1 / 3600,
  MAS: 1 / 3.6e6,
  RAD: R2D,
  RADIAN: R2D,
};

const LON = /^(RA|GLON|ELON|SLON)(-*)$/;
const LAT = /^(DEC|GLAT|ELAT|SLAT)(-*)$/;

/** Splits 'RA---TAN-SIP' into ['RA', 'TAN', 'SIP'] (Paper II §2: 4-3 form plus an optional distortion code). */
function splitCtype(c: string): [string, string, string] | undefined {
  const m = /^(.{4})-(.{3})(?:-(.+))?$/.exec(c);
  if (!m) return undefined;
  return [m[1].replace(/-+$/, ''), m[2], (m[3] ?? '').trim()];
}

/**
 * Builds a `WcsModel` from header keywords with alternate letter `alt` ('' or 'A'…'Z'), or a reason
 * naming the keyword when the header has no usable celestial WCS.
 */
export function readWcsModel(h: KeywordSource, alt = ''): WcsModel | string {
  const k = (key: string): string => `${key}${alt}`;
  const c1 = stringKey(h, k('CTYPE1'));
  const c2 = stringKey(h, k('CTYPE2'));
  const n1 = numberKey(h, 'ZNAXIS1') ?? numberKey(h, 'NAXIS1');
  const n2 = numberKey(h, 'ZNAXIS2') ?? numberKey(h, 'NAXIS2');
  const naxis: [number, number] | undefined = n1 !== undefined && n2 !== undefined ? [n1, n2] : undefined;
  // A DSS plate solution wins over any CTYPE/CD approximation beside it, as in astropy (WCSLIB).
  const dss = alt === '' ? readDss(h) : undefined;
  if (typeof dss === 'string') return dss;
  if (!c1 && !c2 && !dss) return 'no CTYPE1/CTYPE2 keywords (and no DSS plate solution)';
  if (dss) {
    const frame = readFrame(h, 'RA');
    if (typeof frame === 'string') return frame;
    return {
      projection: 'TAN',
      pv: [],
      lonIndex: 0,
      crpix: [0, 0],
      matrix: [
        [1, 0],
        [0, 1],
      ],
      crvalLonLat: dss.centre,
      frame,
      ctype: ['RA---TAN', 'DEC--TAN'],
      dss,
      naxis,
    };
  }
  const s1 = splitCtype(c1);
  const s2 = splitCtype(c2);
  if (!s1) return `CTYPE1 '${c1}': not a celestial axis type`;
  if (!s2) return `CTYPE2 '${c2}': not a celestial axis type`;
  let lonIndex: 0 | 1;
  if (LON.test(s1[0]) && LAT.test(s2[0])) lonIndex = 0;
  else if (LAT.test(s1[0]) && LON.test(s2[0])) lonIndex = 1;
  else return `CTYPE1/CTYPE2 '${c1}'/'${c2}': not a longitude/latitude pair`;
  const lonT = lonIndex === 0 ? s1 : s2;
  const latT = lonIndex === 0 ? s2 : s1;
  const pairs: Record<string, string> = { RA: 'DEC', GLON: 'GLAT', ELON: 'ELAT', SLON: 'SLAT' };
  if (pairs[lonT[0]] !== latT[0]) return `CTYPE1/CTYPE2 '${c1}'/'${c2}': axis types do not match`;
  if (s1[1] !== s2[1]) return `CTYPE1/CTYPE2 '${c1}'/'${c2}': projections differ`;
  if (s1[2] !== s2[2]) return `CTYPE1/CTYPE2 '${c1}'/'${c2}': distortion codes differ`;
  let projection = s1[1];
  const distortion = s1[2];
  const lonAxis = lonIndex + 1;
  const latAxis = 2 - lonIndex;

  const crpix1 = numberKey(h, k('CRPIX1')) ?? 0;
  const crpix2 = numberKey(h, k('CRPIX2')) ?? 0;
  const units: number[] = [];
  for (const i of [1, 2]) {
    const u = stringKey(h, k(`CUNIT${i}`));
    const f = UNITS[u];
    if (f === undefined) return `CUNIT${i} '${u}': not an angle unit (deg, arcmin, arcsec, mas, rad)`;
    units.push(f);
  }
  const crval = [(numberKey(h, k('CRVAL1')) ?? 0) * units[0], (numberKey(h, k('CRVAL2')) ?? 0) * units[1]];
  for (const key of ['CRPIX1', 'CRPIX2', 'CRVAL1', 'CRVAL2', 'CDELT1', 'CDELT2']) {
    const v = numberKey(h, k(key));
    if (v !== undefined && !Number.isFinite(v)) return `${key}${alt} is not finite`;
  }

  const hasPc = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].some((key) => h.get(k(key)) !== undefined);
  const hasCd = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].some((key) => h.get(k(key)) !== undefined);
  const cdelt = [numberKey(h, k('CDELT1')) ?? 1, numberKey(h, k('CDELT2')) ?? 1];
  let m: number[][];
  if (hasPc || !hasCd) {
    const pc = [
      [numberKey(h, k('PC1_1')) ?? 1, numberKey(h, k('PC1_2')) ?? 0],
      [numberKey(h, k('PC2_1')) ?? 0, numberKey(h, k('PC2_2')) ?? 1],
    ];
    const crota = numberKey(h, `CROTA${latAxis}`);
    if (!hasPc && crota !== undefined && crota !== 0) {
      // Paper I eq. 188 (CROTA on the latitude axis), in header axis order.
      const a = lonIndex;
      const b = 1 - lonIndex;
      const c = cosd(crota);
      const s = sind(crota);
      pc[a][a] = c;
      pc[b][b] = c;
      pc[a][b] = (-s * cdelt[b]) / cdelt[a];
      pc[b][a] = (s * cdelt[a]) / cdelt[b];
    }
    m = [
      [cdelt[0] * pc[0][0], cdelt[0] * pc[0][1]],
      [cdelt[1] * pc[1][0], cdelt[1] * pc[1][1]],
    ];
  } else {
    m = [
      [numberKey(h, k('CD1_1')) ?? 0, numberKey(h, k('CD1_2')) ?? 0],
      [numberKey(h, k('CD2_1')) ?? 0, numberKey(h, k('CD2_2')) ?? 0],
    ];
  }
  m = m.map((row, i) => row.map((v) => v * units[i]));
  const flat = m.flat();
  if (!flat.every(Number.isFinite)) return 'the linear transformation (CD/PC/CDELT) has a NaN or infinite element';
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  if (det === 0) return 'the linear transformation (CD/PC/CDELT) is singular';

  const pvLat: (number | undefined)[] = [];
  let sip: SipDistortion | undefined;
  let tpv: TpvDistortion | undefined;
  const lonPv = (mm: number): number | undefined => numberKey(h, `PV${lonAxis}_${mm}${alt}`);
  // SCAMP's TAN with PV1_k/PV2_k is TPV in all but name, as WCSLIB reads it.
  const tanPv =
    projection === 'TAN' && distortion === '' && [...Array(40).keys()].some((mm) => lonPv(mm) !== undefined);
  if (distortion === 'TPV' || projection === 'TPV' || tanPv) {
    tpv = readTpv(h, alt, lonAxis, latAxis);
    projection = 'TAN';
  } else {
    for (let mm = 0; mm <= 20; mm++) pvLat[mm] = numberKey(h, `PV${latAxis}_${mm}${alt}`);
    const phi0 = lonPv(1);
    const theta0 = lonPv(2);
    if ((phi0 !== undefined && phi0 !== 0) || theta0 !== undefined)
      return `PV${lonAxis}_1/PV${lonAxis}_2: a non-default fiducial point is not supported`;
  }
  let iraf: IrafDistortion | undefined;
  if ((projection === 'TNX' || projection === 'ZPX') && alt === '') {
    const d = readIrafDistortion(h, projection, lonAxis, latAxis);
    if (typeof d === 'string') return d;
    if (d.lngcor || d.latcor) iraf = d;
    if (projection === 'ZPX' && !pvLat.some((v) => v !== undefined)) {
      const projp = readProjp(h, lonAxis, latAxis);
      for (let mm = 0; mm <= 9; mm++) pvLat[mm] = projp[mm];
    }
    projection = projection === 'TNX' ? 'TAN' : 'ZPN';
  }
  if (distortion === 'SIP' || (distortion === '' && h.get(k('A_ORDER')) !== undefined)) {
    const s = readSip(h, alt);
    if (typeof s === 'string') return s;
    sip = s;
  } else if (distortion !== '' && distortion !== 'TPV')
    return `CTYPE1 '${c1}': distortion '${distortion}' is not supported`;
  if (projection === 'NCP') {
    // NCP is SIN with η = cot δ0 (Paper II §5.1.5).
    projection = 'SIN';
    pvLat[1] = 0;
    pvLat[2] = cosd(crval[1 - lonIndex]) / sind(crval[1 - lonIndex]);
  } else if (projection === 'GLS') projection = 'SFL';

  const lonpole = numberKey(h, k('LONPOLE')) ?? lonPv(3);
  const latpole = numberKey(h, k('LATPOLE')) ?? lonPv(4);
  const frame = readFrame(h, lonT[0], alt);
  if (typeof frame === 'string') return frame;
  const crvalLonLat: [number, number] = lonIndex === 0 ? [crval[0], crval[1]] : [crval[1], crval[0]];
  return {
    projection,
    pv: pvLat,
    lonIndex,
    crpix: [crpix1, crpix2],
    matrix: [
      [m[0][0], m[0][1]],
      [m[1][0], m[1][1]],
    ],
    crvalLonLat,
    lonpole,
    latpole,
    frame,
    ctype: [c1, c2],
    sip,
    tpv,
    iraf,
    naxis,
  };
}

/**
 * The frame of the axis type `lon` (RA, GLON, ELON, SLON) from RADESYS/EQUINOX (EPOCH for old
 * headers): RADESYS defaults to FK4 when EQUINOX < 1984, FK5 when EQUINOX ≥ 1984, ICRS without EQUINOX
 * (Paper II §3.1); EQUINOX defaults to 1950 for FK4 and 2000 for FK5 and ecliptic.
 */
export function readFrame(h: KeywordSource, lon: string, alt = ''): CelestialFrameSpec | string {
  if (lon === 'GLON') return { system: 'GALACTIC' };
  if (lon === 'SLON') return { system: 'SUPERGALACTIC' };
  const eqRaw = h.get(`EQUINOX${alt}`) ?? h.get('EPOCH');
  let equinox: number | undefined;
  if (typeof eqRaw === 'number') equinox = eqRaw;
  else if (typeof eqRaw === 'string' && eqRaw.trim()) {
    const m = /^\s*([BJ]?)(\d+(?:\.\d*)?)\s*$/i.exec(eqRaw);
    if (!m) return `EQUINOX '${eqRaw}': not a year`;
    equinox = Number(m[2]);
  }
  if (equinox !== undefined && !(equinox > 1000 && equinox < 3000)) return `EQUINOX ${equinox}: not a plausible year`;
  if (lon === 'ELON') return { system: 'ECLIPTIC', equinox: equinox ?? 2000 };
  let sys = stringKey(h, `RADESYS${alt}`) || stringKey(h, 'RADECSYS');
  if (!sys) sys = equinox === undefined ? 'ICRS' : equinox < 1984 ? 'FK4' : 'FK5';
  if (sys === 'ICRS') return { system: 'ICRS' };
  if (sys === 'FK5') return { system: 'FK5', equinox: equinox ?? 2000 };
  if (sys === 'FK4' || sys === 'FK4-NO-E') return { system: sys, equinox: equinox ?? 1950 };
  if (sys === 'GAPPT') return { system: 'GAPPT' };
  return `RADESYS '${sys}': unknown reference system`;
}
