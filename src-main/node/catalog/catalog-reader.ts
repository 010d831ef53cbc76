import type {
  Catalog,
  CatalogStats,
  FrameRow,
  FrameSort,
  JobRow,
  JobState,
  MeasurementRow,
  Page,
  SourceRow,
} from './catalog.js';
import type { ConeHit } from './spatial-index.js';

/** An object of the catalog as `listObjects` returns it. */
export interface ObjectRow {
  id: number;
  ra: number;
  dec: number;
  nObs: number;
  firstMjd: number | null;
  lastMjd: number | null;
}

/**
 * The catalog's read side behind either backend: the embedded SQLite `Catalog` (`sqliteReader`) or a
 * PostgreSQL + Q3C server (`PgCatalog`). Same rows, same order, same errors (a `RangeError` for a bad cone);
 * asynchronous because a server answers over a socket.
 */
export interface CatalogReader {
  readonly backend: 'sqlite' | 'postgres';
  stats(): Promise<CatalogStats>;
  listFrames(
    options?: Page & { sort?: FrameSort; descending?: boolean; frameType?: string; status?: string },
  ): Promise<FrameRow[]>;
  /** Sources of every frame (or one), by frame then detection order, `limit` [all] from `offset` [0]. */
  listSources(options?: { frameId?: number; limit?: number; offset?: number }): Promise<SourceRow[]>;
  listObjects(page?: Page): Promise<ObjectRow[]>;
  /** Objects within `radiusArcsec` of (ra, dec) degrees, nearest first (ties by id). */
  cone(raDeg: number, decDeg: number, radiusArcsec: number): Promise<ConeHit[]>;
  /** For each position, its nearest object within the radius, or undefined (ties by id). */
  nearestObjects(
    ra: ArrayLike<number>,
    dec: ArrayLike<number>,
    radiusArcsec: number,
  ): Promise<Array<ConeHit | undefined>>;
  lightCurve(objectId: number): Promise<MeasurementRow[]>;
  listJobs(options?: Page & { state?: JobState }): Promise<JobRow[]>;
  close(): Promise<void>;
}

/** The SQLite `Catalog` as a `CatalogReader`. */
export function sqliteReader(catalog: Catalog): CatalogReader {
  return {
    backend: 'sqlite',
    stats: async () => catalog.stats(),
    listFrames: async (o) => catalog.listFrames(o),
    listSources: async (o = {}) => [...catalog.iterateSources(o)],
    listObjects: async (p) => catalog.listObjects(p),
    cone: async (ra, dec, r) => catalog.cone(ra, dec, r),
    nearestObjects: async (ra, dec, r) =>
      Array.from({ length: ra.length }, (_, i) => catalog.cone(ra[i], dec[i], r)[0]),
    lightCurve: async (id) => catalog.lightCurve(id),
    listJobs: async (o) => catalog.listJobs(o),
    close: async () => catalog.close(),
  };
}
