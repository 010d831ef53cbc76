import { Menu, type BrowserWindow } from 'electron';
import { keydownScript, menuTemplate } from './menu-template.js';

/** The application menu, built from the shared shortcut table; its actions send their key to the page. */
export function buildMenu(win: BrowserWindow, onOpenWorkspace: () => void): Menu {
  return Menu.buildFromTemplate(
    menuTemplate({
      mac: process.platform === 'darwin',
      onOpenWorkspace,
      sendKey: (stroke) => void win.webContents.executeJavaScript(keydownScript(stroke)),
    }),
  );
}
