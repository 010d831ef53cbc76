/**
 * A general two-dimensional celestial WCS (FITS WCS Papers I–II plus SIP/TPV/TNX/ZPX distortions):
 * pixel → SIP → linear (PC/CD) → TPV or TNX/ZPX → projection → spherical rotation → world, and back. Pixels are
 * 0-based pixel centres (FITS pixel = x + 1); world coordinates are degrees in the header's own frame
 * (`frame`), longitude in [0, 360).
 */
import { InputError } from '../errors.js';
import { makeTanBatch, type BatchPixelsToSky } from './batch-tan.js';
import { makeTanInverseBatch, type BatchSkyToPixels } from './batch-tan-inverse.js';
import { wrap360 } from './angles.js';
import { dssForward, dssInverse, type DssPlate } from './dss.js';
import { frameConverter, type FrameConverter } from './frames.js';
import { irafForward, irafInverse, type IrafDistortion } from './iraf.js';
import { readWcsModel, type CelestialFrameSpec, type WcsModel } from './header.js';
import type { KeywordSource } from './keywords.js';
import { ProjectionError, makeProjection, type Projection } from './projections/index.js';
import { sipForward, sipInverse, type SipDistortion } from './sip.js';
import { celestialToNative, makeRotation, nativeToCelestial, type SphericalRotation } from './sphere.js';
import { tpvForward, tpvInverse, type TpvDistortion } from './tpv.js';

/** What callers need from any sky WCS (`CelestialWcs`, `TanWcs`): ICRS degrees ↔ 0-based pixels. */
export interface SkyWcs {
  pixelToSky(x: number, y: number): [number, number];
  skyToPixel(ra: number, dec: number): [number, number];
  pixelsToSky(xs: ArrayLike<number>, ys: ArrayLike<number>): { ra: Float64Array; dec: Float64Array };
  skyToPixels(ras: ArrayLike<number>, decs: ArrayLike<number>): { x: Float64Array; y: Float64Array };
  pixelScaleArcsec(): number;
}

/** The distortion a WCS applies besides its projection. */
export type DistortionKind = 'none' | 'SIP' | 'TPV' | 'TNX' | 'ZPX' | 'DSS';

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
  private readonly iraf?: IrafDistortion;
  private readonly dss?: DssPlate;
  private readonly converter: FrameConverter;
  /** The TAN(-SIP) batch evaluator, built on first use (null: the model needs the general path). */
  private batch?: BatchPixelsToSky | null;
  /** The TAN(-SIP) batch inverse, built on first use (null: the general path). */
  private inverseBatch?: BatchSkyToPixels | null;

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
    this.iraf = model.iraf;
    this.dss = model.dss;
    this.distortion = model.dss ? 'DSS' : model.sip ? 'SIP' : model.tpv ? 'TPV' : model.iraf ? model.iraf.kind : 'none';
    if (model.frame.system === 'GAPPT')
      throw new ProjectionError('RADESYS GAPPT (geocentric apparent) is not supported');
    this.converter = frameConverter(model.frame);
  }

  /** World (longitude, latitude) in degrees of the 0-based pixel (x, y), in the header's frame; NaN outside the projection. */
  pixelToWorld(x: number, y: number): [number, number] {
    const [ix, iy] = this.pixelToIntermediate(x, y);
    const n = this.projection.toNative(ix, iy);
    if (!n) return [Number.NaN, Number.NaN];
    const [lon, lat] = nativeToCelestial(this.rotation, n[0], n[1]);
    return [wrap360(lon), lat];
  }

  /** Intermediate world coordinates (deg, longitude axis first) of the 0-based pixel, distortions applied. */
  pixelToIntermediate(x: number, y: number): [number, number] {
    if (this.dss) return dssForward(this.dss, x, y);
    let u = x + 1 - this.model.crpix[0];
    let v = y + 1 - this.model.crpix[1];
    if (this.sip) [u, v] = sipForward(this.sip, u, v);
    const w0 = this.m[0][0] * u + this.m[0][1] * v;
    const w1 = this.m[1][0] * u + this.m[1][1] * v;
    let ix = this.lonIndex === 0 ? w0 : w1;
    let iy = this.lonIndex === 0 ? w1 : w0;
    if (this.tpv) [ix, iy] = tpvForward(this.tpv, ix, iy);
    if (this.iraf) [ix, iy] = irafForward(this.iraf, ix, iy);
    return [ix, iy];
  }

  /** 0-based pixel (x, y) of world (longitude, latitude) in degrees in the header's frame; NaN where not projected. */
  worldToPixel(lon: number, lat: number): [number, number] {
    const [phi, theta] = celestialToNative(this.rotation, lon, lat);
    const q = this.projection.fromNative(phi, theta);
    if (!q) return [Number.NaN, Number.NaN];
    let [ix, iy] = q;
    if (this.dss) return dssInverse(this.dss, ix, iy);
    if (this.tpv) [ix, iy] = tpvInverse(this.tpv, ix, iy);
    if (this.iraf) [ix, iy] = irafInverse(this.iraf, ix, iy);
    const w0 = this.lonIndex === 0 ? ix : iy;
    const w1 = this.lonIndex === 0 ? iy : ix;
    let u = this.inv[0][0] * w0 + this.inv[0][1] * w1;
    let v = this.inv[1][0] * w0 + this.inv[1][1] * w1;
    if (this.sip) [u, v] = sipInverse(this.sip, u, v);
    return [u + this.model.crpix[0] - 1, v + this.model.crpix[1] - 1];
  }

  /** ICRS (ra, dec) in degrees of the 0-based pixel (x, y), converted from the header's frame; NaN outside. */
  pixelToSky(x: number, y: number): [number, number] {
    const [lon, lat] = this.pixelToWorld(x, y);
    if (Number.isNaN(lon)) return [lon, lat];
    return this.converter.toIcrs(lon, lat);
  }

  /** 0-based pixel (x, y) of ICRS (ra, dec) in degrees; NaN where not projected. */
  skyToPixel(ra: number, dec: number): [number, number] {
    const [lon, lat] = this.converter.fromIcrs(ra, dec);
    return this.worldToPixel(lon, lat);
  }

  /** Header-frame (longitude, latitude) of ICRS (ra, dec), degrees. */
  icrsToWorld(ra: number, dec: number): [number, number] {
    return this.converter.fromIcrs(ra, dec);
  }

  /** ICRS (ra, dec) of header-frame (longitude, latitude), degrees. */
  worldToIcrs(lon: number, lat: number): [number, number] {
    return this.converter.toIcrs(lon, lat);
  }

  /** ICRS positions of many 0-based pixels (degrees); TAN(-SIP) in one allocation-free loop (batch-tan.ts). */
  pixelsToSky(xs: ArrayLike<number>, ys: ArrayLike<number>): { ra: Float64Array; dec: Float64Array } {
    const ra = new Float64Array(xs.length);
    const dec = new Float64Array(xs.length);
    this.pixelsToSkyInto(xs, ys, ra, dec);
    return { ra, dec };
  }

  /**
   * Like `pixelsToSky` but writes into caller-owned arrays (at least `xs.length` long), so repeated calls on
   * large catalogs allocate nothing. Throws RangeError when an output is too short.
   */
  pixelsToSkyInto(xs: ArrayLike<number>, ys: ArrayLike<number>, ra: Float64Array, dec: Float64Array): void {
    const n = xs.length;
    if (ys.length < n || ra.length < n || dec.length < n)
      throw new RangeError(`pixelsToSkyInto: arrays shorter than the ${n} input points`);
    if (this.batch === undefined) this.batch = makeTanBatch(this.model, this.rotation, this.converter) ?? null;
    if (this.batch) this.batch(xs, ys, ra, dec);
    else for (let i = 0; i < n; i++) [ra[i], dec[i]] = this.pixelToSky(xs[i], ys[i]);
  }

  /** 0-based pixels of many ICRS positions (degrees); TAN(-SIP) in one allocation-free loop (batch-tan-inverse.ts). */
  skyToPixels(ras: ArrayLike<number>, decs: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
    const n = ras.length;
    if (decs.length < n) throw new RangeError(`skyToPixels: ${decs.length} declinations for ${n} right ascensions`);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    if (this.inverseBatch === undefined)
      this.inverseBatch = makeTanInverseBatch(this.model, this.rotation, this.converter) ?? null;
    if (this.inverseBatch) this.inverseBatch(ras, decs, x, y);
    else for (let i = 0; i < n; i++) [x[i], y[i]] = this.skyToPixel(ras[i], decs[i]);
    return { x, y };
  }

  /**
   * Pixel scale in arcseconds per pixel at the 0-based pixel (x, y) [image centre, else the reference
   * pixel]: the square root of the area of the pixel's sky footprint, so distortions and non-zenithal
   * projections count.
   */
  pixelScaleArcsec(x?: number, y?: number): number {
    const [cx, cy] = x !== undefined && y !== undefined ? [x, y] : this.centrePixel();
    const h = 0.5;
    const p = (dx: number, dy: number): [number, number] => this.pixelToWorld(cx + dx, cy + dy);
    const [a0, d0] = p(-h, 0);
    const [a1, d1] = p(h, 0);
    const [b0, e0] = p(0, -h);
    const [b1, e1] = p(0, h);
    const c = Math.cos((((d0 + d1) / 2) * Math.PI) / 180);
    const dra = (v: number): number => ((((v + 540) % 360) + 360) % 360) - 180;
    const ux = dra(a1 - a0) * c;
    const uy = d1 - d0;
    const vx = dra(b1 - b0) * c;
    const vy = e1 - e0;
    return Math.sqrt(Math.abs(ux * vy - uy * vx)) * 3600;
  }

  /** 0-based pixel at the image centre ((NAXIS − 1)/2), or the reference pixel without NAXIS. */
  centrePixel(): [number, number] {
    const n = this.model.naxis;
    if (n) return [(n[0] - 1) / 2, (n[1] - 1) / 2];
    if (this.dss) return [0, 0];
    return [this.model.crpix[0] - 1, this.model.crpix[1] - 1];
  }

  /** ICRS position (deg) of the image centre (not CRVAL, which may lie far outside the image). */
  centreSky(): [number, number] {
    const [x, y] = this.centrePixel();
    return this.pixelToSky(x, y);
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
