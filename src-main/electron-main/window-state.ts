import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  bounds: Partial<Rectangle>;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { width: 1440, height: 900 }, maximized: false };

/** The last window size, position and maximised state, from `userData/window-state.json`. */
export function loadWindowState(userData: string): WindowState {
  try {
    const parsed = JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8')) as WindowState;
    return { bounds: { ...DEFAULT.bounds, ...parsed.bounds }, maximized: Boolean(parsed.maximized) };
  } catch {
    return DEFAULT;
  }
}

/** Saves the window's state when it moves, resizes or closes. */
export function trackWindowState(win: BrowserWindow, userData: string): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (win.isDestroyed()) return;
    const state: WindowState = {
      bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(),
      maximized: win.isMaximized(),
    };
    try {
      writeFileSync(join(userData, 'window-state.json'), JSON.stringify(state));
    } catch {
      // Not being able to remember the window is not worth an error dialog.
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', save);
}
