import { useEffect, useRef } from 'react';

/** True when the key went to a text field, where letters must not trigger shortcuts. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  // A focused switch or checkbox (after a click on it) takes no text: the view's keys must keep working.
  if (tag === 'INPUT' && /^(checkbox|radio|button|range)$/.test((target as HTMLInputElement).type)) return false;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/**
 * Window-level key handling for a view while it is mounted. `handler` returns true when it used the
 * key (then the default action is prevented). Keys typed into text fields are ignored.
 */
export function useKeyboard(handler: (event: KeyboardEvent) => boolean | void, enabled = true): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent): void => {
      if (isTyping(event)) return;
      if (latest.current(event) === true) event.preventDefault();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled]);
}
