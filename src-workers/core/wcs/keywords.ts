/** The keyword source the WCS readers take: anything with `get(KEY)` (a `FitsHeader`, or a record via `recordSource`). */
export interface KeywordSource {
  get(key: string): string | number | boolean | null | undefined;
}

/** A finite number under `key`, else undefined. */
export function numberKey(h: KeywordSource, key: string): number | undefined {
  const v = h.get(key);
  return typeof v === 'number' ? v : undefined;
}

/** A trimmed upper-case string under `key`, else ''. */
export function stringKey(h: KeywordSource, key: string): string {
  const v = h.get(key);
  return typeof v === 'string' ? v.trim().toUpperCase() : '';
}
