/**
 * Regions as selections of sources and as pixel masks. A point is selected when it lies in at least one include
 * region (or the file has none, so the whole field is included) and in no exclude region, whatever the order of
 * the lines (funtools/DS9 filter semantics).
 *
 * Sky regions test sky positions on the gnomonic plane tangent at the shape's centre in its own frame (north up,
 * east left), which is what astropy-regions does through a TAN WCS centred there; circles and annuli use the
 * great-circle distance, and polygon edges are great circles. On a frame, sky regions become pixel regions as
 * astropy-regions' `to_pixel` makes them: the centre through the WCS, sizes by the scale and angles by the
 * direction of north 1″ from the centre, polygon vertices one by one.
 */
import { frameConverter, type FrameConverter } from '../../../../src-workers/core/wcs/frames.js';
import type { SkyWcs } from '../../../../src-workers/core/wcs/celestial-wcs.js';
import { planeBounds, planeContains, type PlaneShape, type Region, type RegionSystem } from './shapes.js';

const D2R = Math.PI / 180;
const R2AS = (180 / Math.PI) * 3600;

const CONVERTERS: Record<Exclude<RegionSystem, 'image'>, FrameConverter> = {
  icrs: frameConverter({ system: 'ICRS' }),
  fk5: frameConverter({ system: 'FK5', equinox: 2000 }),
  fk4: frameConverter({ system: 'FK4', equinox: 1950 }),
  galactic: frameConverter({ system: 'GALACTIC' }),
};

type SkyTest = (raDeg: number, decDeg: number) => boolean;

/** Gnomonic projection at (lon0, lat0) degrees: (u west, v north) arcsec, or undefined beyond 90°. */
function gnomonic(lon0: number, lat0: number): (lon: number, lat: number) => [number, number] | undefined {
  const s0 = Math.sin(lat0 * D2R);
  const c0 = Math.cos(lat0 * D2R);
  return (lon, lat) => {
    const dl = (lon - lon0) * D2R;
    const s = Math.sin(lat * D2R);
    const c = Math.cos(lat * D2R);
    const cosc = s0 * s + c0 * c * Math.cos(dl);
    if (!(cosc > 1e-12)) return undefined;
    return [((-c * Math.sin(dl)) / cosc) * R2AS, ((c0 * s - s0 * c * Math.cos(dl)) / cosc) * R2AS];
  };
}

/** Great-circle distance in arcsec (haversine, exact for small separations). */
function separationArcsec(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const h =
    Math.sin(((lat2 - lat1) * D2R) / 2) ** 2 +
    Math.cos(lat1 * D2R) * Math.cos(lat2 * D2R) * Math.sin(((lon2 - lon1) * D2R) / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h))) * R2AS;
}

function skyTest(region: Region): SkyTest {
  const conv = CONVERTERS[region.system as Exclude<RegionSystem, 'image'>];
  const s = region.shape;
  if (s.kind === 'circle' || s.kind === 'annulus') {
    const [rIn, rOut] = s.kind === 'circle' ? [-1, s.r] : [s.rIn, s.rOut];
    return (ra, dec) => {
      const [lon, lat] = conv.fromIcrs(ra, dec);
      const d = separationArcsec(s.cx, s.cy, lon, lat);
      return d >= rIn && d < rOut;
    };
  }
  let plane: PlaneShape;
  let project: ReturnType<typeof gnomonic>;
  if (s.kind === 'polygon') {
    // Any tangent point maps great circles to straight lines; the vertices' mean direction keeps them in front.
    let [x, y, z] = [0, 0, 0];
    for (let i = 0; i < s.xs.length; i++) {
      const c = Math.cos(s.ys[i] * D2R);
      x += c * Math.cos(s.xs[i] * D2R);
      y += c * Math.sin(s.xs[i] * D2R);
      z += Math.sin(s.ys[i] * D2R);
    }
    project = gnomonic(Math.atan2(y, x) / D2R, Math.atan2(z, Math.hypot(x, y)) / D2R);
    const xs = new Float64Array(s.xs.length);
    const ys = new Float64Array(s.xs.length);
    for (let i = 0; i < xs.length; i++) {
      const p = project(s.xs[i], s.ys[i]);
      if (!p) throw new RangeError(`line ${region.line}: polygon spans more than a hemisphere`);
      [xs[i], ys[i]] = p;
    }
    plane = { kind: 'polygon', xs, ys };
  } else {
    project = gnomonic(s.cx, s.cy);
    plane = { ...s, cx: 0, cy: 0 };
  }
  return (ra, dec) => {
    const [lon, lat] = conv.fromIcrs(ra, dec);
    const p = project(lon, lat);
    return p !== undefined && planeContains(plane, p[0], p[1]);
  };
}

/** The pixel shape of a sky region on a frame with `wcs` (astropy-regions' `SkyRegion.to_pixel`). */
export function regionToPixel(region: Region, wcs: SkyWcs): PlaneShape {
  const s = region.shape;
  if (region.system === 'image') return s;
  const conv = CONVERTERS[region.system];
  const toPixel = (lon: number, lat: number) => wcs.skyToPixel(...conv.toIcrs(lon, lat));
  if (s.kind === 'polygon') {
    const xs = new Float64Array(s.xs.length);
    const ys = new Float64Array(s.xs.length);
    for (let i = 0; i < xs.length; i++) [xs[i], ys[i]] = toPixel(s.xs[i], s.ys[i]);
    return { kind: 'polygon', xs, ys };
  }
  const [x, y] = toPixel(s.cx, s.cy);
  // 1″ north of the centre, over the pole when the centre is within 1″ of it.
  const up = s.cy + 1 / 3600;
  const [xn, yn] = up <= 90 ? toPixel(s.cx, up) : toPixel(s.cx + 180, 180 - up);
  const arcsecPerPx = 1 / Math.hypot(xn - x, yn - y);
  const northDeg = Math.atan2(yn - y, xn - x) / D2R;
  if (!Number.isFinite(arcsecPerPx))
    throw new RangeError(`line ${region.line}: the region's centre is off the frame's projection`);
  switch (s.kind) {
    case 'circle':
      return { kind: 'circle', cx: x, cy: y, r: s.r / arcsecPerPx };
    case 'annulus':
      return { kind: 'annulus', cx: x, cy: y, rIn: s.rIn / arcsecPerPx, rOut: s.rOut / arcsecPerPx };
    default:
      return {
        ...s,
        cx: x,
        cy: y,
        w: s.w / arcsecPerPx,
        h: s.h / arcsecPerPx,
        angleDeg: s.angleDeg + northDeg - 90,
      };
  }
}

/** Source positions to select from: 0-based pixels in the source's frame and ICRS degrees (null: not known). */
export interface PositionedSource {
  x: number;
  y: number;
  ra: number | null;
  dec: number | null;
}

/** A region file's regions as one selection. */
export class RegionSelection {
  private readonly includes: Array<(p: PositionedSource) => boolean> = [];
  private readonly excludes: Array<(p: PositionedSource) => boolean> = [];

  constructor(readonly regions: readonly Region[]) {
    for (const r of regions) {
      let test: (p: PositionedSource) => boolean;
      if (r.system === 'image') test = (p) => planeContains(r.shape, p.x, p.y);
      else {
        const sky = skyTest(r);
        test = (p) => p.ra !== null && p.dec !== null && sky(p.ra, p.dec);
      }
      (r.exclude ? this.excludes : this.includes).push(test);
    }
  }

  /** Whether `p` is selected: in an include region (or there are none) and in no exclude region. */
  contains(p: PositionedSource): boolean {
    if (this.includes.length && !this.includes.some((t) => t(p))) return false;
    return !this.excludes.some((t) => t(p));
  }

  /**
   * The selection as a `width × height` mask (1 = selected) over 0-based pixel centres, row-major. Sky regions
   * need the frame's `wcs`; without one a RangeError says which line needs it.
   */
  mask(width: number, height: number, wcs?: SkyWcs): Uint8Array {
    const out = new Uint8Array(width * height);
    const pixelShape = (r: Region): PlaneShape => {
      if (r.system === 'image') return r.shape;
      if (!wcs)
        throw new RangeError(`line ${r.line}: a sky region (${r.system}) needs the frame's WCS, and it has none`);
      return regionToPixel(r, wcs);
    };
    const paint = (s: PlaneShape, value: 0 | 1) => {
      const [x0, x1, y0, y1] = planeBounds(s);
      const i0 = Math.max(0, Math.ceil(x0));
      const i1 = Math.min(width - 1, Math.floor(x1));
      for (let j = Math.max(0, Math.ceil(y0)); j <= Math.min(height - 1, Math.floor(y1)); j++)
        for (let i = i0; i <= i1; i++) if (planeContains(s, i, j)) out[j * width + i] = value;
    };
    const includes = this.regions.filter((r) => !r.exclude);
    if (includes.length === 0) out.fill(1);
    for (const r of includes) paint(pixelShape(r), 1);
    for (const r of this.regions) if (r.exclude) paint(pixelShape(r), 0);
    return out;
  }
}
