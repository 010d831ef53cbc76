import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SourceQuery, SourceRow } from '../../../src-main/common/workbench-dto.js';
import { call } from '../../api/bridge.js';
import type { RowSource } from '../../components/VirtualTable.js';

const PAGE = 500;

export type SourceFilter = Omit<SourceQuery, 'offset' | 'limit'>;

/**
 * Sources as a paged row source for the virtual table: pages of 500 rows are fetched as they scroll
 * into view and kept (up to 200 pages), so a million-row table costs only what is looked at.
 */
export function usePagedSources(filter: SourceFilter): {
  source: RowSource<SourceRow>;
  total: number;
  error: string | null;
} {
  const pages = useRef(new Map<number, SourceRow[]>());
  const inflight = useRef(new Set<number>());
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(filter);
  const generation = useRef(0);

  const fetchPage = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      const mine = generation.current;
      call('owb:sources.query', { ...(JSON.parse(key) as SourceFilter), offset: page * PAGE, limit: PAGE }).then(
        (result) => {
          if (mine !== generation.current) return;
          inflight.current.delete(page);
          pages.current.set(page, result.rows);
          if (pages.current.size > 200) pages.current.delete(pages.current.keys().next().value as number);
          setTotal(result.total);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          inflight.current.delete(page);
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    },
    [key],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inflight.current = new Set();
    setError(null);
    fetchPage(0);
  }, [fetchPage]);

  // `version` makes a new source object when pages arrive, so the table re-renders.
  const source = useMemo<RowSource<SourceRow>>(
    () => ({
      version,
      kind: 'paged',
      total,
      rowAt: (i) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE],
      requestRange: (start, end) => {
        for (let p = Math.floor(start / PAGE); p <= Math.floor(Math.max(start, end - 1) / PAGE); p++) fetchPage(p);
      },
    }),
    [total, fetchPage, version],
  );
  return { source, total, error };
}
