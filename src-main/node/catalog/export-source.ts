/** Row sources for exports: paging through the catalog lazily, and the flux unit the rows are in. */
import { SOURCE_SELECT, type Catalog } from './catalog.js';

/**
 * Every source (or one frame's) by frame then detection order, as arrays in column order (better-sqlite3
 * `raw()`): an export's fast path, with no object made per row. `limit` Infinity: all.
 */
export function sourceArrays(
  db: Catalog['db'],
  options: { frameId?: number; limit?: number; offset?: number } = {},
): { names: string[]; rows: IterableIterator<unknown[]> } {
  const limit =
    options.limit === undefined || !Number.isFinite(options.limit) ? -1 : Math.max(0, Math.floor(options.limit));
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const where = options.frameId === undefined ? '' : 'WHERE frame_id = ?';
  const statement = db.prepare(`${SOURCE_SELECT} ${where} ORDER BY frame_id, idx LIMIT ? OFFSET ?`).raw(true);
  const names = statement.columns().map((c) => c.name);
  const args = options.frameId === undefined ? [limit, offset] : [options.frameId, limit, offset];
  return { names, rows: statement.iterate(...args) as IterableIterator<unknown[]> };
}

/** Rows per catalog query while an export pages through a table. */
const PAGE_ROWS = 10_000;

/**
 * Every row from `offset` on, at most `limit` (Infinity: all), fetched a page at a time as the consumer asks,
 * so a 10⁷-row export never holds more than one page.
 */
export function* paged<T>(
  limit: number,
  offset: number,
  fetch: (page: { limit: number; offset: number }) => T[],
): Generator<T> {
  let at = offset;
  let left = limit;
  while (left > 0) {
    const rows = fetch({ limit: Math.min(PAGE_ROWS, left), offset: at });
    yield* rows;
    if (rows.length < Math.min(PAGE_ROWS, left)) return;
    at += rows.length;
    left -= rows.length;
  }
}

/**
 * The BUNIT of the frames whose sources are exported ('adu' when no frame says). When frames disagree, a flux
 * column has no single unit: say so on `warn` and return '' rather than label some rows wrongly.
 */
export function fluxUnitOf(
  db: Catalog['db'],
  frameId: number | undefined,
  warn?: { write(s: string): unknown },
): string {
  const rows = db
    .prepare(
      `SELECT DISTINCT trim(coalesce(json_extract(header_json, '$.BUNIT'), '')) AS unit FROM frames
        WHERE ${frameId === undefined ? 'EXISTS (SELECT 1 FROM sources WHERE sources.frame_id = frames.id)' : 'id = ?'}`,
    )
    .all(...(frameId === undefined ? [] : [frameId])) as Array<{ unit: string }>;
  const units = new Set(rows.map((r) => voUnit(r.unit)));
  if (units.size > 1) {
    warn?.write(`owb: warning: frames have different BUNIT (${[...units].join(', ')}); flux columns get no unit\n`);
    return '';
  }
  return units.size === 1 ? [...units][0] : 'adu';
}

/** Camera spellings of counts in the VOUnit form astropy and TOPCAT parse; anything else is kept as written. */
export function voUnit(bunit: string): string {
  if (bunit === '' || /^(adus?|dn|data ?numbers?)$/i.test(bunit)) return 'adu';
  if (/^(counts?|cts?)$/i.test(bunit)) return 'ct';
  if (/^(e-|electrons?)$/i.test(bunit)) return 'electron';
  return bunit;
}
