import { footprintStars } from '../../../src-workers/core/astrometry/index.js';
import { parseCelestialWcs } from '../../../src-workers/core/wcs/index.js';
import type { CatalogStars } from '../../common/catalog-stars-dto.js';
import { densestStarList } from '../solve/catalog-index.js';
import { solveCacheDir } from '../solve/cache-dir.js';
import { frameRow, shownHeader } from './frames.js';
import type { HandlerGroup } from './handler-types.js';

const empty = (reason: string, source: string | null = null): CatalogStars => ({
  source,
  magName: null,
  reason,
  total: 0,
  raDeg: new Float64Array(0),
  decDeg: new Float64Array(0),
  mag: new Float32Array(0),
});

/**
 * `owb:frames.catalogStars`: the catalog stars on a frame for the viewer's overlay. The footprint is the
 * frame's pixels through the WCS the viewer shows (its plate solution when the `solve` step found one, else
 * the header's), the stars those of the densest astrometry.net index installed (Tycho-2 index 07), brightest
 * first. A frame without a WCS or a machine without index files gives no stars and says why.
 */
export const catalogStarHandlers: HandlerGroup<'owb:frames.catalogStars'> = (services) => ({
  'owb:frames.catalogStars': async ({ frameId, limit }) => {
    const row = await frameRow(services, frameId);
    if (!row.width || !row.height) return empty('the frame size is not known');
    const header = await shownHeader(services, row);
    const cards = new Map(header.map((c) => [c.key, c.value]));
    const parsed = parseCelestialWcs({ get: (key) => cards.get(key) });
    if (!('wcs' in parsed)) return empty(`no sky coordinates: ${parsed.reason}`);
    const list = await densestStarList(solveCacheDir(services.root));
    if (!list) return empty('no astrometry.net index files found (install astrometry-data-tycho2-*)');
    const stars = footprintStars(list.index, list.lookup, parsed.wcs, row.width, row.height, limit ?? 2000);
    return {
      source: list.index.name,
      magName: list.index.magName,
      reason: null,
      total: stars.total,
      raDeg: stars.raDeg,
      decDeg: stars.decDeg,
      mag: stars.mag,
    };
  },
});
