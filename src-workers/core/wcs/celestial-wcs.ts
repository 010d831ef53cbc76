/**
 * A general two-dimensional celestial WCS (FITS WCS Papers I–II plus SIP/TPV distortions):
 * pixel → SIP → linear (PC/CD) → TPV → projection → spherical rotation → world, and back. Pixels are
 * 0-based pixel centres (FITS pixel = x + 1); world coordinates are degrees in the header's own frame
 * (`frame`), longitude in [0, 360).
 */
import { InputError } from '../errors.js';
import { wrap360 } from './angles.js';
import { readWcsModel, type CelestialFrameSpec, type WcsModel } from './header.js';
import type { KeywordSource } from './keywords.js';
import { ProjectionError, makeProjection, type Projection } from './projections/index.js';
import { sipForward, sipInverse, type SipDistortion } from './sip.js';
import { celestialToNative, makeRotation, nativeToCelestial, type SphericalRotation } from './sphere.js';
import { tpvForward, tpvInverse, type TpvDistortion } from './tpv.js';

/** The distortion a WCS applies besides its projection. */
export type DistortionKind = 'none' | 'SIP' | 'TPV' | 'DSS';

/** An evaluated celestial WCS. Build it with `parseCelestialWcs` (never throws) or `celestialWcsFromHeader`. */
export class CelestialWcs {
  readonly model: WcsModel;
  readonly projection: Projection;
  readonly rotation: SphericalRotation;
  readonly frame: CelestialFrameSpec;
  readonly distortion: DistortionKind;
  private readonly m: [[number, number], [number, number]];
  private readonly inv: [[number, number], [number, number]];
  private readonly lonIndex: 0 | 1;
  private readonly sip?: SipDistortion;
  private readonly tpv?: TpvDistortion;

  /** Throws `ProjectionError` or `Error` with a reason when the model has no valid evaluation. */
  constructor(model: WcsModel) {
    this.model = model;
    const p = makeProjection(model.projection, model.pv);
    if (!p) throw new ProjectionError(`projection '${model.projection}' is unknown or not implemented`);
    this.projection = p;
    const r = makeRotation(model.crvalLonLat[0], model.crvalLonLat[1], p.phi0, p.theta0, model.lonpole, model.latpole);
    if (typeof r === 'string') throw new ProjectionError(r);
    this.rotation = r;
    this.frame = model.frame;
    this.m = model.matrix;
    const [[a, b], [c, d]] = this.m;
    const det = a * d - b * c;
    this.inv = [
      [d / det, -b / det],
      [-c / det, a / det],
    ];
    this.lonIndex = model.lonIndex;
    this.sip = model.sip;
    this.tpv = model.tpv;
    this.distortion = model.sip ? 'SIP' : model.tpv ? 'TPV' : 'none';
  }

  /** World (longitude, latitude) in degrees of the 0-based pixel (x, y), in the header's frame; NaN outside the projection. */
  pixelToWorld(x: number, y: number): [number, number] {
    let u = x + 1 - this.model.crpix[0];
    let v = y + 1 - this.model.crpix[1];
    if (this.sip) [u, v] = sipForward(this.sip, u, v);
    const w0 = this.m[0][0] * u + this.m[0][1] * v;
    const w1 = this.m[1][0] * u + this.m[1][1] * v;
    let ix = this.lonIndex === 0 ? w0 : w1;
    let iy = this.lonIndex === 0 ? w1 : w0;
    if (this.tpv) [ix, iy] = tpvForward(this.tpv, ix, iy);
    const n = this.projection.toNative(ix, iy);
    if (!n) return [Number.NaN, Number.NaN];
    const [lon, lat] = nativeToCelestial(this.rotation, n[0], n[1]);
    return [wrap360(lon), lat];
  }

  /** 0-based pixel (x, y) of world (longitude, latitude) in degrees in the header's frame; NaN where not projected. */
  worldToPixel(lon: number, lat: number): [number, number] {
    const [phi, theta] = celestialToNative(this.rotation, lon, lat);
    const q = this.projection.fromNative(phi, theta);
    if (!q) return [Number.NaN, Number.NaN];
    let [ix, iy] = q;
    if (this.tpv) [ix, iy] = tpvInverse(this.tpv, ix, iy);
    const w0 = this.lonIndex === 0 ? ix : iy;
    const w1 = this.lonIndex === 0 ? iy : ix;
    let u = this.inv[0][0] * w0 + this.inv[0][1] * w1;
    let v = this.inv[1][0] * w0 + this.inv[1][1] * w1;
    if (this.sip) [u, v] = sipInverse(this.sip, u, v);
    return [u + this.model.crpix[0] - 1, v + this.model.crpix[1] - 1];
  }

  /** Mean pixel scale at the reference pixel in arcseconds per pixel (√|det M|). */
  pixelScaleArcsec(): number {
    const [[a, b], [c, d]] = this.m;
    return Math.sqrt(Math.abs(a * d - b * c)) * 3600;
  }
}

/** A celestial WCS from header keywords (alternate letter `alt`), or the reason there is none. Never throws. */
export function parseCelestialWcs(h: KeywordSource, alt = ''): { wcs: CelestialWcs } | { reason: string } {
  const model = readWcsModel(h, alt);
  if (typeof model === 'string') return { reason: model };
  try {
    return { wcs: new CelestialWcs(model) };
  } catch (e) {
    if (e instanceof ProjectionError) return { reason: `CTYPE1 '${model.ctype[0]}': ${e.message}` };
    throw e;
  }
}

/** Like `parseCelestialWcs` but throws `InputError('WCS_UNSUPPORTED')` whose message names `source` and the reason. */
export function celestialWcsFromHeader(h: KeywordSource, source = 'header', alt = ''): CelestialWcs {
  const r = parseCelestialWcs(h, alt);
  if ('wcs' in r) return r.wcs;
  throw new InputError('WCS_UNSUPPORTED', `${source}: no celestial WCS: ${r.reason}`);
}
