/**
 * Celestial reference frames → ICRS and back, with the conventions astropy.coordinates uses (so the two
 * agree to well under 1 mas):
 * - FK5 at any Julian equinox: IAU 2006 precession (Capitaine et al. 2003; Fukushima-Williams angles,
 *   ERFA pfw06/fw2m/bp06) to J2000, then the Hipparcos frame bias FK5 J2000 → ICRS (η0 = −19.9 mas,
 *   ξ0 = 9.1 mas, dα0 = −22.9 mas; Mignard & Frœschlé 2000).
 * - FK4 at any Besselian equinox, with or without E-terms: E-terms of aberration (Explanatory
 *   Supplement 1992: k = 20.496″, e and ϖ of the Earth's orbit, ε IAU 1980), Newcomb precession to B1950,
 *   the FK4 → FK5 matrix of Standish (1982) with its rotation correction per Julian century, as astropy.
 * - Galactic: north galactic pole (192.8594812065348°, 27.12825118085622°) FK5 J2000, l of the
 *   celestial pole 122.9319185680026° (the IAU 1958 definition carried to FK5, as astropy).
 * - Supergalactic: pole at l = 47.37°, b = 6.32° (de Vaucouleurs et al. 1976).
 * - Ecliptic: mean ecliptic and equinox (IAU 2006 ecm06: ε_A and bias-precession) at a Julian equinox,
 *   astropy's BarycentricMeanEcliptic.
 * Degrees in and out; the observation epoch of FK4 is its equinox (astropy's default for a WCS frame).
 */
import { D2R, R2D, atan2d, cosd, sind, wrap360 } from './angles.js';
import type { CelestialFrameSpec } from './header.js';

/** A 3 × 3 rotation matrix, row-major. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];
type Vec3 = [number, number, number];

const AS2R = D2R / 3600;

function mul(a: Mat3, b: Mat3): Mat3 {
  const r = new Array(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return r;
}

/** Transpose (= inverse for a rotation). */
export function transpose(a: Mat3): Mat3 {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}

function apply(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Passive rotation by `angleDeg` about axis 0 (x), 1 (y) or 2 (z), as astropy's rotation_matrix and ERFA's Rx/Ry/Rz. */
export function rotation(angleDeg: number, axis: 0 | 1 | 2): Mat3 {
  const c = Math.cos(angleDeg * D2R);
  const s = Math.sin(angleDeg * D2R);
  if (axis === 0) return [1, 0, 0, 0, c, s, 0, -s, c];
  if (axis === 1) return [c, 0, -s, 0, 1, 0, s, 0, c];
  return [c, s, 0, -s, c, 0, 0, 0, 1];
}

function toVec(lon: number, lat: number): Vec3 {
  const c = cosd(lat);
  return [c * cosd(lon), c * sind(lon), sind(lat)];
}

function fromVec(v: Vec3): [number, number] {
  return [wrap360(atan2d(v[1], v[0])), atan2d(v[2], Math.hypot(v[0], v[1]))];
}

/** ERFA fw2m: rotation from Fukushima-Williams angles (radians). */
function fw2m(gamb: number, phib: number, psi: number, eps: number): Mat3 {
  return mul(
    rotation(-eps * R2D, 0),
    mul(rotation(-psi * R2D, 2), mul(rotation(phib * R2D, 0), rotation(gamb * R2D, 2))),
  );
}

/** ERFA pfw06: IAU 2006 Fukushima-Williams angles at `t` Julian centuries (TT) from J2000 (radians). */
function pfw06(t: number): [number, number, number, number] {
  const gamb = -0.052928 + (10.556378 + (0.4932044 + (-0.00031238 + (-0.000002788 + 0.000000026 * t) * t) * t) * t) * t;
  const phib =
    84381.412819 + (-46.811016 + (0.0511268 + (0.00053289 + (-0.00000044 - 0.0000000176 * t) * t) * t) * t) * t;
  const psib =
    -0.041775 + (5038.481484 + (1.5584175 + (-0.00018522 + (-0.000026452 - 0.0000000148 * t) * t) * t) * t) * t;
  return [gamb * AS2R, phib * AS2R, psib * AS2R, obl06(t)];
}

/** IAU 2006 mean obliquity of the ecliptic (radians) at `t` Julian centuries TT from J2000. */
export function obl06(t: number): number {
  return (
    (84381.406 + (-46.836769 + (-0.0001831 + (0.0020034 + (-0.000000576 - 0.0000000434 * t) * t) * t) * t) * t) * AS2R
  );
}

/** Frame bias matrix (GCRS/ICRS → mean J2000) of IAU 2006. */
const FRAME_BIAS_2006: Mat3 = (() => {
  const [g, p, s] = pfw06(0);
  return fw2m(g, p, s, obl06(0));
})();

/** IAU 2006 precession matrix (without bias) from J2000 to `t` Julian centuries TT (ERFA bp06 rp). */
function precession06(t: number): Mat3 {
  const [g, p, s, e] = pfw06(t);
  return mul(fw2m(g, p, s, e), transpose(FRAME_BIAS_2006));
}

/** ICRS → FK5 J2000 (Hipparcos frame bias). */
const ICRS_TO_FK5: Mat3 = mul(rotation(19.9 / 3.6e6, 0), mul(rotation(9.1 / 3.6e6, 1), rotation(-22.9 / 3.6e6, 2)));

/** FK5 J2000 → galactic. */
const FK5_TO_GAL: Mat3 = mul(
  rotation(180 - 122.9319185680026, 2),
  mul(rotation(90 - 27.12825118085622, 1), rotation(192.8594812065348, 2)),
);

/** Galactic → supergalactic. */
const GAL_TO_SUPERGAL: Mat3 = mul(rotation(90, 2), mul(rotation(90 - 6.32, 1), rotation(47.37, 2)));

/** FK4 (no E-terms) B1950 → FK5 J2000 (Standish 1982), and its change per Julian century of epoch. */
const B1950_TO_J2000: Mat3 = [
  0.9999256794956877, -0.0111814832204662, -0.0048590038153592, 0.0111814832391717, 0.9999374848933135,
  -0.0000271625947142, 0.0048590037723143, -0.000027170293744, 0.9999881946023742,
];
const FK4_CORR: Mat3 = [
  -0.0026455262e-6, -1.1539918689e-6, 2.111134619e-6, 1.1540628161e-6, -0.0129042997e-6, 0.0236021478e-6,
  -2.1112979048e-6, -0.0056024448e-6, 0.0102587734e-6,
];

/** Julian date (TT) of a Besselian epoch (ERFA epb2jd). */
export function besselianToJd(b: number): number {
  return 2400000.5 + 15019.81352 + (b - 1900) * 365.242198781;
}

/** Newcomb precession from Besselian epoch b1 to b2 (astropy's _precession_matrix_besselian). */
function newcomb(b1: number, b2: number): Mat3 {
  const t1 = (b1 - 1850) / 1000;
  const dt = (b2 - b1) / 1000;
  const zeta =
    ((23035.545 + 139.72 * t1 + 0.06 * t1 * t1) * dt + (30.24 - 0.27 * t1) * dt * dt + 17.995 * dt ** 3) / 3600;
  const z =
    ((23035.545 + 139.72 * t1 + 0.06 * t1 * t1) * dt + (109.48 + 0.39 * t1) * dt * dt + 18.325 * dt ** 3) / 3600;
  const theta =
    ((20051.12 - 85.29 * t1 - 0.37 * t1 * t1) * dt + (-42.65 - 0.37 * t1) * dt * dt - 41.8 * dt ** 3) / 3600;
  return mul(rotation(-z, 2), mul(rotation(theta, 1), rotation(-zeta, 2)));
}

/** E-terms of aberration vector at Besselian equinox `b` (astropy's fk4_e_terms). */
function eTerms(b: number): Vec3 {
  const jd = besselianToJd(b);
  const T = (jd - besselianToJd(1950)) / 36525;
  const k = 0.0056932 * D2R;
  const e = 0.01673011 - 0.00004193 * T - 0.000000126 * T * T;
  const g = ((1015489.951 + 6190.67 * T + 1.65 * T * T + 0.012 * T ** 3) / 3600) * D2R;
  const t80 = (jd - 2451545) / 36525;
  const o = (84381.448 - 46.815 * t80 - 0.00059 * t80 * t80 + 0.001813 * t80 ** 3) * AS2R;
  return [e * k * Math.sin(g), -e * k * Math.cos(g) * Math.cos(o), -e * k * Math.cos(g) * Math.sin(o)];
}

/** FK4 without E-terms at equinox `b` (epoch `b`) → ICRS matrix. */
function fk4NoEToIcrs(b: number): Mat3 {
  const jyear = 2000 + (besselianToJd(b) - 2451545) / 365.25;
  const T = (jyear - 1950) / 100;
  const bm = B1950_TO_J2000.map((v, i) => v + FK4_CORR[i] * T) as Mat3;
  return mul(transpose(ICRS_TO_FK5), mul(bm, newcomb(b, 1950)));
}

/** FK5 at Julian equinox `j` → ICRS matrix. */
function fk5ToIcrs(j: number): Mat3 {
  const p = precession06((j - 2000) / 100);
  return mul(transpose(ICRS_TO_FK5), transpose(p));
}

/** Rotation taking frame `f` (except FK4 with E-terms, which is not a rotation) to ICRS. */
function matrixToIcrs(f: CelestialFrameSpec): Mat3 {
  switch (f.system) {
    case 'ICRS':
      return [1, 0, 0, 0, 1, 0, 0, 0, 1];
    case 'FK5':
      return fk5ToIcrs(f.equinox ?? 2000);
    case 'FK4':
    case 'FK4-NO-E':
      return fk4NoEToIcrs(f.equinox ?? 1950);
    case 'GALACTIC':
      return mul(transpose(ICRS_TO_FK5), transpose(FK5_TO_GAL));
    case 'SUPERGALACTIC':
      return mul(transpose(ICRS_TO_FK5), mul(transpose(FK5_TO_GAL), transpose(GAL_TO_SUPERGAL)));
    case 'ECLIPTIC': {
      const t = ((f.equinox ?? 2000) - 2000) / 100;
      const [g, p, s, e] = pfw06(t);
      return transpose(mul(rotation(e * R2D, 0), fw2m(g, p, s, e)));
    }
    default:
      throw new Error(`frame ${f.system} has no conversion to ICRS`);
  }
}

/** Frame systems `frameToIcrs` converts. */
export function frameConvertible(f: CelestialFrameSpec): boolean {
  return f.system !== 'GAPPT';
}

/** A converter between frame `f` and ICRS, built once per WCS (matrices precomputed). */
export interface FrameConverter {
  toIcrs(lon: number, lat: number): [number, number];
  fromIcrs(ra: number, dec: number): [number, number];
}

/** The converter for frame `f`; throws for GAPPT (needs an ephemeris and a date). */
export function frameConverter(f: CelestialFrameSpec): FrameConverter {
  if (f.system === 'ICRS') return { toIcrs: (a, b) => [wrap360(a), b], fromIcrs: (a, b) => [wrap360(a), b] };
  const m = matrixToIcrs(f);
  const mt = transpose(m);
  if (f.system !== 'FK4')
    return {
      toIcrs: (lon, lat) => fromVec(apply(m, toVec(lon, lat))),
      fromIcrs: (ra, dec) => fromVec(apply(mt, toVec(ra, dec))),
    };
  const a = eTerms(f.equinox ?? 1950);
  return {
    toIcrs(lon, lat) {
      const r = toVec(lon, lat);
      const d = a[0] * r[0] + a[1] * r[1] + a[2] * r[2];
      return fromVec(apply(m, [r[0] - a[0] + d * r[0], r[1] - a[1] + d * r[1], r[2] - a[2] + d * r[2]]));
    },
    fromIcrs(ra, dec) {
      const r0 = apply(mt, toVec(ra, dec));
      let r: Vec3 = r0;
      for (let i = 0; i < 10; i++) {
        const d = 1 + a[0] * r[0] + a[1] * r[1] + a[2] * r[2];
        r = [(a[0] + r0[0]) / d, (a[1] + r0[1]) / d, (a[2] + r0[2]) / d];
      }
      return fromVec(r);
    },
  };
}

/** IAU 2006 bias-precession matrix (GCRS → mean equator and equinox of date) at `t` Julian centuries TT from J2000. */
export function biasPrecession06(t: number): Mat3 {
  const [g, p, s, e] = pfw06(t);
  return fw2m(g, p, s, e);
}

/** `m` applied to the 3-vector `v`. */
export function applyMat3(m: Mat3, v: [number, number, number]): [number, number, number] {
  return apply(m, v);
}
