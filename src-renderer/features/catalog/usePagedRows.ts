import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RowSource } from '../../components/VirtualTable.js';

const PAGE = 500;

export type PageFetcher<Row> = (offset: number, limit: number) => Promise<{ total: number; rows: Row[] }>;

/**
 * Any paged query as a row source for the virtual table: pages of 500 rows are fetched as they scroll
 * into view and kept (up to 200 pages), so a million-row table costs only what is looked at.
 * `key` identifies the query; a new key starts over.
 */
export function usePagedRows<Row>(
  key: string,
  fetcher: PageFetcher<Row>,
): { source: RowSource<Row>; total: number; error: string | null } {
  const pages = useRef(new Map<number, Row[]>());
  const inflight = useRef(new Set<number>());
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const latestFetcher = useRef(fetcher);
  latestFetcher.current = fetcher;

  const fetchPage = useCallback(
    (page: number) => {
      void key;
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      const mine = generation.current;
      latestFetcher.current(page * PAGE, PAGE).then(
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
    // A new key means a new query: the callback identity changes and the effect below starts over.
    [key],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inflight.current = new Set();
    setError(null);
    setTotal(0);
    fetchPage(0);
  }, [fetchPage]);

  // `version` makes a new source object when pages arrive, so the table re-renders.
  const source = useMemo<RowSource<Row>>(
    () => ({
      kind: 'paged',
      version,
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
