import {
  buildConeLookup,
  coneLookupFromOrder,
  type ConeLookup,
  type StarIndex,
} from '../../../src-workers/core/astrometry/star-index.js';
import { cachedSolveArrays } from '../../../src-workers/io/solve-cache.js';
import { DEFAULT_INDEX_DIRS, findStarIndexes, readStarIndex } from '../../../src-workers/io/star-index-file.js';

/** A star list ready for cone queries. */
export interface LoadedStarList {
  index: StarIndex;
  lookup: ConeLookup;
}

const loaded = new Map<string, Promise<LoadedStarList>>();

/**
 * The densest star list among the astrometry.net index files in `dirs` [Debian's folder] (Tycho-2 index 07,
 * 1.9 million stars, when the packages are installed), without its quads, with its cone lookup: read once per
 * process and kept, its declination order taken from (or written to) the workspace's solve cache `cacheDir`,
 * the same entry the plate solver uses. Null when no index file is found.
 */
export async function densestStarList(
  cacheDir: string | undefined,
  dirs: readonly string[] = DEFAULT_INDEX_DIRS,
): Promise<LoadedStarList | null> {
  const infos = await findStarIndexes(dirs);
  if (infos.length === 0) return null;
  const densest = infos.reduce((a, b) => (b.starCount > a.starCount ? b : a));
  let p = loaded.get(densest.path);
  if (!p) {
    p = (async () => {
      const index = await readStarIndex(densest.path, { quads: false });
      const xyz = index.xyz;
      const { arrays } = await cachedSolveArrays(
        cacheDir,
        densest.path,
        'cone-order',
        ['order'],
        () => ({ order: buildConeLookup(xyz).order }),
        (a) => coneLookupFromOrder(xyz, a.order) !== null,
      );
      return { index, lookup: coneLookupFromOrder(xyz, arrays.order) ?? buildConeLookup(xyz) };
    })();
    loaded.set(densest.path, p);
    // A failed read is not remembered: the next request tries again.
    p.catch(() => loaded.delete(densest.path));
  }
  return p;
}
