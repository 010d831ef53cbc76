import type { MenuItemConstructorOptions } from 'electron';
import { acceleratorOf, keyEventInit, SHORTCUTS, type KeyStroke, type ShortcutMenu } from '../common/shortcuts.js';

export interface MenuActions {
  mac: boolean;
  onOpenWorkspace: () => void;
  /** Sends the key stroke to the page as the `keydown` event a key press would give (the page's handlers act). */
  sendKey: (stroke: KeyStroke) => void;
}

/** JavaScript that dispatches a stroke's `keydown` on the page's window, for `webContents.executeJavaScript`. */
export function keydownScript(stroke: KeyStroke): string {
  return `window.dispatchEvent(new KeyboardEvent('keydown', ${JSON.stringify(keyEventInit(stroke))}))`;
}

/**
 * Menu items for one submenu of the shortcut table, in table order. The accelerator is shown but not
 * registered (`registerAccelerator: false`): the key press itself reaches the page, so it is handled once.
 */
function itemsOf(menu: ShortcutMenu, sendKey: (stroke: KeyStroke) => void): MenuItemConstructorOptions[] {
  return SHORTCUTS.filter((s) => s.menu === menu).map((s) => ({
    id: s.id,
    label: s.label,
    accelerator: acceleratorOf(s.stroke),
    registerAccelerator: false,
    click: () => sendKey(s.stroke),
  }));
}

/** The application menu: the usual roles plus every action of the shortcut table, grouped by submenu. */
export function menuTemplate({ mac, onOpenWorkspace, sendKey }: MenuActions): MenuItemConstructorOptions[] {
  const views = itemsOf('View', sendKey);
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: onOpenWorkspace },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...views.filter((v) => v.id !== 'global.night'),
        { type: 'separator' },
        ...views.filter((v) => v.id === 'global.night'),
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Frames', submenu: itemsOf('Frames', sendKey) },
    { label: 'Viewer', submenu: itemsOf('Viewer', sendKey) },
    { label: 'Regions', submenu: itemsOf('Regions', sendKey) },
    { label: 'Curation', submenu: itemsOf('Curation', sendKey) },
    { role: 'windowMenu' },
    { role: 'help', submenu: itemsOf('Help', sendKey) },
  ];
}
