import type { ObjectQuery, ObjectRow, SourceQuery, SourceRow } from '../../../src-main/common/workbench-dto.js';
import { call } from '../../api/bridge.js';
import type { RowSource } from '../../components/VirtualTable.js';
import { usePagedRows } from './usePagedRows.js';

export type SourceFilter = Omit<SourceQuery, 'offset' | 'limit'>;
export type ObjectFilter = Omit<ObjectQuery, 'offset' | 'limit'>;

/** Sources matching `filter`, paged from the catalog as the table scrolls. */
export function usePagedSources(
  filter: SourceFilter,
  /** Bump to re-read (new detections arrived). */
  revision = 0,
): {
  source: RowSource<SourceRow>;
  total: number;
  error: string | null;
} {
  const key = `${revision}|${JSON.stringify(filter)}`;
  return usePagedRows(key, (offset, limit) => call('owb:sources.query', { ...filter, offset, limit }));
}

/** Objects (cross-matched positions with their measurement counts), paged. */
export function usePagedObjects(filter: ObjectFilter): {
  source: RowSource<ObjectRow>;
  total: number;
  error: string | null;
} {
  const key = JSON.stringify(filter);
  return usePagedRows(key, (offset, limit) => call('owb:objects.query', { ...filter, offset, limit }));
}
