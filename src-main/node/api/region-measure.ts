/**
 * `owb:frames.regionPhotometry` and `owb:frames.detectMasked`: the viewer's regions as forced-photometry
 * apertures and as a detection mask (issue 26 §2), over core/photometry and node/detect (the same code as
 * `owb photometry` and `owb detect --mask-region`).
 */
import { InputError } from '../../../src-workers/core/errors.js';
import {
  annulusBackground,
  apertureSumError,
  circularApertureSum,
  fluxToMagnitude,
  pixelSetSum,
} from '../../../src-workers/core/photometry/index.js';
import type { Image } from '../../../src-workers/core/image/image.js';
import { parseCelestialWcs, type SkyWcs } from '../../../src-workers/core/wcs/index.js';
import type { RegionPhotometry, RegionPhotometryRow } from '../../common/region-measure-dto.js';
import { detectFrame } from '../detect/detect-frame.js';
import {
  parseDs9Regions,
  planeContains,
  RegionSelection,
  regionToPixel,
  type Region,
} from '../catalog/regions/index.js';
import { planeBounds, type PlaneShape } from '../catalog/regions/shapes.js';
import { frameCalibrations } from '../solve/calibrated-rows.js';
import { frameRow, shownHeader } from './frames.js';
import type { HandlerGroup } from './handler-types.js';
import type { WorkbenchServices } from './services.js';

/** Regions per request: each is measured on its own bounds, so this bounds the work, not memory. */
const MAX_REGIONS = 2000;

async function frameWithWcs(
  services: WorkbenchServices,
  frameId: number,
): Promise<{ image: Image; wcs: SkyWcs | undefined; gain: number | undefined }> {
  const row = await frameRow(services, frameId);
  const { image } = await services.images.get(row.path);
  const cards = new Map((await shownHeader(services, row)).map((c) => [c.key, c.value]));
  const parsed = parseCelestialWcs({ get: (key) => cards.get(key) });
  const gain = cards.get('GAIN');
  return {
    image,
    wcs: 'wcs' in parsed ? parsed.wcs : undefined,
    gain: typeof gain === 'number' && gain > 0 ? gain : undefined,
  };
}

function parseRegions(text: string): { regions: readonly Region[]; skipped: number } {
  try {
    const file = parseDs9Regions(text, 'regions');
    if (file.regions.length > MAX_REGIONS)
      throw new InputError(
        'BAD_REGION',
        `regions: ${file.regions.length} regions, at most ${MAX_REGIONS} are measured`,
      );
    return file;
  } catch (e) {
    if (e instanceof RangeError) throw new InputError('BAD_REGION', e.message);
    throw e;
  }
}

function pixelShape(r: Region, wcs: SkyWcs | undefined): PlaneShape {
  if (r.system === 'image') return r.shape;
  if (!wcs)
    throw new InputError('BAD_REGION', `regions: line ${r.line}: a sky region needs the frame's WCS, and it has none`);
  try {
    return regionToPixel(r, wcs);
  } catch (e) {
    throw new InputError('BAD_REGION', `regions: ${(e as Error).message}`);
  }
}

/**
 * One region's photometry. Sky from the sigma-clipped (3σ, 10 iterations) median of an annulus around the
 * centre: for a circle of radius r, r + 4 … r + 10 px (≥ 12 … 18 px, the interactive aperture's defaults);
 * for other shapes the same beyond the radius of their bounding circle. Errors: σ² = A·σ_sky² + F/gain +
 * A²·σ_sky²/N_sky.
 */
function measure(image: Image, s: PlaneShape, line: number, gain: number | undefined): RegionPhotometryRow {
  const [bx0, bx1, by0, by1] = planeBounds(s);
  const circle = s.kind === 'circle';
  const x = circle ? s.cx : (bx0 + bx1) / 2;
  const y = circle ? s.cy : (by0 + by1) / 2;
  const reach = circle ? s.r : Math.hypot(bx1 - bx0, by1 - by0) / 2;
  const inner = Math.max(12, reach + 4);
  const annulusPx: [number, number] = [inner, inner + 6];
  const sky = annulusBackground(image, x, y, annulusPx[0], annulusPx[1], 3, 10);
  const bkg = sky.count > 0 ? sky.median : 0;
  const sum = circle
    ? circularApertureSum(image, s.cx, s.cy, s.r, bkg)
    : pixelSetSum(image, { x0: bx0, x1: bx1, y0: by0, y1: by1 }, (i, j) => planeContains(s, i, j), bkg);
  let err = apertureSumError(sum, sky.count > 0 ? sky.std : 0, gain);
  if (sky.count > 0) err = Math.sqrt(err * err + (sum.validArea * sum.validArea * sky.std * sky.std) / sky.count);
  return {
    line,
    shape: s.kind,
    x,
    y,
    areaPx: sum.validArea,
    backgroundAdu: bkg,
    annulusPx,
    flux: sum.sum,
    fluxErr: err,
    mag: null,
    magErr: null,
    incomplete: sum.incomplete || sky.count === 0,
  };
}

export const regionMeasureHandlers: HandlerGroup<'owb:frames.regionPhotometry' | 'owb:frames.detectMasked'> = (
  services,
) => ({
  'owb:frames.regionPhotometry': async ({ frameId, regions }) => {
    const parsed = parseRegions(regions);
    const { image, wcs, gain } = await frameWithWcs(services, frameId);
    const zp = frameCalibrations(services.db, [frameId]).get(frameId) ?? null;
    const rows: RegionPhotometryRow[] = [];
    for (const r of parsed.regions) {
      if (r.exclude) continue;
      const row = measure(image, pixelShape(r, wcs), r.line, gain);
      if (zp) {
        const m = fluxToMagnitude(row.flux, row.fluxErr, zp.zp);
        if (Number.isFinite(m.mag)) [row.mag, row.magErr] = [m.mag, Math.hypot(m.magErr, zp.zpErr ?? 0)];
      }
      rows.push(row);
    }
    const excluded = parsed.regions.length - rows.length;
    return {
      rows,
      zeroPointMag: zp?.zp ?? null,
      zeroPointSource: zp?.source ?? null,
      skipped: parsed.skipped + excluded,
    } satisfies RegionPhotometry;
  },

  'owb:frames.detectMasked': async ({ frameId, regions }) => {
    const parsed = parseRegions(regions);
    const { image, wcs } = await frameWithWcs(services, frameId);
    let mask: Uint8Array | undefined;
    let maskedPx = 0;
    if (parsed.regions.length) {
      for (const r of parsed.regions) pixelShape(r, wcs); // a sky region on a frame without WCS: a clear error
      mask = new RegionSelection(parsed.regions).mask(image.width, image.height, wcs);
      for (let i = 0; i < mask.length; i++) maskedPx += mask[i];
    }
    const { catalog } = await detectFrame(image, { mask });
    return {
      count: catalog.count,
      x: Float64Array.from(catalog.x),
      y: Float64Array.from(catalog.y),
      flux: Float64Array.from(catalog.flux),
      maskedPx,
    };
  },
});
