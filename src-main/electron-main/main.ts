/**
 * The Electron composition root: one window on one workspace, the renderer loaded from disk under a
 * strict CSP, `contextIsolation` + `sandbox` + no Node in the page, navigation and new windows denied,
 * the typed contract served over IPC by the same handlers as `owb serve`.
 *
 * Workspace: `--workspace DIR`, else $OWB_WORKSPACE, else `userData/workspace`.
 */
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildMenu } from './menu.js';
import { electronSqliteBinding, useElectronSqlite } from './native-sqlite.js';
import { loadWindowState, trackWindowState } from './window-state.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rendererFile = join(root, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
const preload = join(root, 'dist', 'preload', 'preload.cjs');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function workspaceArg(): string {
  const at = process.argv.indexOf('--workspace');
  if (at >= 0 && process.argv[at + 1]) return resolve(process.argv[at + 1]);
  return process.env.OWB_WORKSPACE ? resolve(process.env.OWB_WORKSPACE) : join(app.getPath('userData'), 'workspace');
}

app.enableSandbox();
useElectronSqlite(electronSqliteBinding(root));

// Refuse anything that would turn the renderer into a browser: navigation, new windows, webviews, permissions.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (url.split('#')[0] !== rendererUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

async function openWindow(workspace: string): Promise<void> {
  if (!existsSync(preload)) {
    throw new Error(`${preload} is missing: run 'node bin/bundle-preload.js' (npm start does it for you)`);
  }
  if (!existsSync(rendererFile)) throw new Error(`${rendererFile} is missing: run 'npm run build'`);
  const { openWorkspace } = await import('../node/api/services.js');
  const { createHandlers } = await import('../node/api/handlers.js');
  const { WorkspaceWatchPort } = await import('../node/api/watch-port.js');
  const { createSynthPort } = await import('../node/api/synth-port.js');
  const { registerIpc } = await import('./ipc.js');
  const services = openWorkspace(workspace, { version: app.getVersion() });
  services.watch = new WorkspaceWatchPort(services.root, services.db, 1);
  services.synth = createSynthPort(app.getVersion());

  const state = loadWindowState(app.getPath('userData'));
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0b0d12',
    title: `Observatory Workbench — ${services.root}`,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, app.getPath('userData'));
  const unregister = registerIpc(createHandlers(services), win, rendererUrl, services.events);
  const menu = buildMenu(win, () => {
    void dialog
      .showOpenDialog(win, { properties: ['openDirectory', 'createDirectory'], title: 'Open workspace' })
      .then((r) => {
        if (r.canceled || !r.filePaths[0]) return;
        app.relaunch({
          args: [
            ...process.argv.slice(1).filter((a, i, all) => a !== '--workspace' && all[i - 1] !== '--workspace'),
            '--workspace',
            r.filePaths[0],
          ],
        });
        app.quit();
      });
  });
  (await import('electron')).Menu.setApplicationMenu(menu);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    unregister();
    void (services.watch as { close?: () => Promise<void> } | null)?.close?.().finally(() => services.close());
  });
  await win.loadFile(rendererFile);
}

app.whenReady().then(
  async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    try {
      await openWindow(workspaceArg());
    } catch (error) {
      dialog.showErrorBox(
        'Observatory Workbench could not start',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    }
  },
  () => app.exit(1),
);

app.on('window-all-closed', () => app.quit());
