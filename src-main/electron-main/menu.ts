import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

const VIEWS = ['Frames', 'Viewer', 'Curation', 'Catalog', 'Pipeline', 'Datasets'];

/** The application menu with the usual roles and shortcuts, plus the six views and night mode. */
export function buildMenu(win: BrowserWindow, onOpenWorkspace: () => void): Menu {
  const show = (view: string) => () =>
    void win.webContents.executeJavaScript(`location.hash = '#/${view.toLowerCase()}'`);
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
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
        ...VIEWS.map((v, i): MenuItemConstructorOptions => ({
          label: v,
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: show(v),
        })),
        { type: 'separator' },
        {
          label: 'Night Mode',
          accelerator: 'Alt+N',
          registerAccelerator: false,
          click: () =>
            void win.webContents.executeJavaScript(
              `window.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', altKey: true }))`,
            ),
        },
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
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Keyboard Shortcuts',
          accelerator: 'F1',
          registerAccelerator: false,
          click: () =>
            void win.webContents.executeJavaScript(`window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F1' }))`),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
