import { useCallback, useEffect, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';

/**
 * State that outlives its component: views are unmounted when the user switches to another one, and a
 * form, a selection or a running job's progress must still be there when they come back (issue 26).
 * Values live in this window's memory only, keyed by a name unique across the renderer.
 */
const store = new Map<string, unknown>();

/** The kept value under `key` (undefined when none), for updates that arrive while the view is not shown. */
export function readViewState<T>(key: string): T | undefined {
  return store.get(key) as T | undefined;
}

/** Replaces the kept value under `key`; a view mounted later starts from it. */
export function writeViewState<T>(key: string, value: T): void {
  store.set(key, value);
}

/** `useState` whose value survives unmount and remount under the same `key`. */
export function useViewState<T>(key: string, initial: T | (() => T)): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() =>
    store.has(key) ? (store.get(key) as T) : typeof initial === 'function' ? (initial as () => T)() : initial,
  );
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) =>
      setValue((prev) => {
        const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
        store.set(key, v);
        return v;
      }),
    [key],
  );
  useEffect(() => {
    store.set(key, value);
  }, [key, value]);
  return [value, set];
}

/** Remembers an element's scroll position under `key` and restores it when the element mounts again. */
export function useKeptScroll(key: string | undefined, ref: RefObject<HTMLElement | null>, ready = true): void {
  useEffect(() => {
    const el = ref.current;
    if (!key || !el || !ready) return;
    const saved = store.get(`scroll:${key}`) as { top: number; left: number } | undefined;
    if (saved) {
      el.scrollTop = saved.top;
      el.scrollLeft = saved.left;
    }
    const remember = (): void => void store.set(`scroll:${key}`, { top: el.scrollTop, left: el.scrollLeft });
    el.addEventListener('scroll', remember, { passive: true });
    return () => el.removeEventListener('scroll', remember);
  }, [key, ref, ready]);
}
