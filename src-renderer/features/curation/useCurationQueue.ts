import { useCallback, useEffect, useRef, useState } from 'react';
import type { CurationFilter, CurationItem, StampSet } from '../../../src-main/common/workbench-dto.js';
import { call } from '../../api/bridge.js';
import { useInvoke } from '../../api/hooks.js';
import { readViewState, writeViewState } from '../../app/view-state.js';

export const STAMP_PX = 48;
const CURRENT_KEY = 'curation.current';

const stampCache = new Map<string, Promise<StampSet | null>>();

/** Stamps of a queue item, fetched once and shared (the next few are prefetched). */
export function stampsFor(item: CurationItem): Promise<StampSet | null> {
  const key = `${item.kind}:${item.id}`;
  let hit = stampCache.get(key);
  if (!hit) {
    hit = call('owb:curation.stamps', { kind: item.kind, id: item.id, sizePx: STAMP_PX }).catch(() => null);
    stampCache.set(key, hit);
    if (stampCache.size > 400) stampCache.delete(stampCache.keys().next().value as string);
  }
  return hit;
}

export interface CurationQueue {
  items: CurationItem[];
  index: number;
  setIndex: (i: number) => void;
  loading: boolean;
  error: string | null;
  /** Stores `label` for the current item at once, then moves to the next item. */
  decide: (label: string) => Promise<void>;
  /** Reverts the most recent decision (of this session or before) and shows that item. */
  undo: () => Promise<void>;
  labelled: number;
  reload: () => void;
}

/**
 * The curation queue as state: items from the catalog for a filter, the cursor, and label decisions that
 * are written through the API immediately (the catalog keeps the history; undo is server-side too).
 */
export function useCurationQueue(filter: CurationFilter): CurationQueue {
  const queue = useInvoke('owb:curation.queue', filter);
  const [items, setItems] = useState<CurationItem[]>([]);
  const [index, setIndexState] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const indexRef = useRef(0);
  const itemsRef = useRef<CurationItem[]>([]);
  itemsRef.current = items;

  // The item on screen is kept across view switches: coming back to Curation shows the same item.
  useEffect(() => {
    const list = queue.data ?? [];
    const kept = readViewState<string>(CURRENT_KEY);
    const at = Math.max(
      0,
      list.findIndex((it) => `${it.kind}:${it.id}` === kept),
    );
    setItems(list);
    setIndexState(at);
    indexRef.current = at;
  }, [queue.data]);

  const setIndex = useCallback((i: number) => {
    const clamped = Math.max(0, Math.min(itemsRef.current.length - 1, i));
    indexRef.current = clamped;
    setIndexState(clamped);
    const item = itemsRef.current[clamped];
    if (item) writeViewState(CURRENT_KEY, `${item.kind}:${item.id}`);
  }, []);

  useEffect(() => {
    for (let k = index; k < Math.min(items.length, index + 4); k++) void stampsFor(items[k]);
  }, [items, index]);

  const decide = useCallback(
    async (label: string) => {
      const item = itemsRef.current[indexRef.current];
      if (!item) return;
      // Show the next stamp first; the decision is written in the background, and a failure is shown.
      setItems((list) => list.map((it) => (it === item ? { ...it, label } : it)));
      setIndex(indexRef.current + 1);
      try {
        await call('owb:labels.set', { targetKind: item.kind, targetId: item.id, label });
        setError(null);
      } catch (e) {
        // Not saved: say so, restore the old label and go back to the item, so the key can be pressed again.
        setError(`“${label}” not saved: ${e instanceof Error ? e.message : String(e)}`);
        setItems((list) =>
          list.map((it) => (it.id === item.id && it.kind === item.kind ? { ...it, label: item.label } : it)),
        );
        const at = itemsRef.current.findIndex((it) => it.id === item.id && it.kind === item.kind);
        if (at >= 0) setIndex(at);
      }
    },
    [setIndex],
  );

  const undo = useCallback(async () => {
    try {
      const record = await call('owb:labels.undo', {});
      if (!record) return;
      const at = itemsRef.current.findIndex((it) => it.kind === record.targetKind && it.id === record.targetId);
      setItems((list) =>
        list.map((it) =>
          it.kind === record.targetKind && it.id === record.targetId ? { ...it, label: record.label } : it,
        ),
      );
      if (at >= 0) setIndex(at);
      setError(null);
    } catch (e) {
      setError(`undo failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, [setIndex]);

  return {
    items,
    index,
    setIndex,
    loading: queue.loading,
    error: error ?? (queue.error ? `${queue.error.code}: ${queue.error.message}` : null),
    decide,
    undo,
    labelled: items.filter((i) => i.label).length,
    reload: queue.reload,
  };
}
