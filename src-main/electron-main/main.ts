/**
 * The Electron composition root: one window on one workspace, the renderer served by the `app://` scheme
 * (app-protocol.ts) under its own strict CSP, `contextIsolation` + `sandbox` + no Node in the page,
 * navigation and new windows denied (documentation links open in the browser after the user confirms),
 * every permission refused, the typed contract served over IPC by the same handlers as `owb serve`.
 *
 * Workspace: `--workspace DIR`, else $OWB_WORKSPACE, else the per-user default that `owb serve` opens too
 * (node/paths/default-workspace.ts).
 */
import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CSP, APP_ENTRY_URL, APP_SCHEME, isAppPageUrl, resolveAppRequest } from './app-protocol.js';
import { confirmExternalMessage, isDocumentationUrl } from './external-links.js';
import { defaultWorkspaceDir } from '../node/paths/default-workspace.js';
import { buildMenu } from './menu.js';
import { electronSqliteBinding, useElectronSqlite } from './native-sqlite.js';
import { loadWindowState, trackWindowState } from './window-state.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rendererDir = join(root, 'dist', 'renderer');
const rendererFile = join(rendererDir, 'index.html');
const preload = join(root, 'dist', 'preload', 'preload.cjs');

// Before `ready`: `app://` is a standard, secure origin (ES modules, fetch of its own files), not `file://`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** Serves the built renderer under `app://workbench/`, every answer with our CSP. */
function registerAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveAppRequest(request.url, rendererDir);
    const headers = { 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' };
    if ('status' in target) return new Response(target.reason, { status: target.status, headers });
    try {
      const body = await readFile(target.file);
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': target.contentType } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  });
}

function workspaceArg(): string {
  const at = process.argv.indexOf('--workspace');
  if (at >= 0 && process.argv[at + 1]) return resolve(process.argv[at + 1]);
  return resolve(defaultWorkspaceDir());
}

app.enableSandbox();
useElectronSqlite(electronSqliteBinding(root));

// Refuse anything that would turn the renderer into a browser: navigation, new windows, webviews, permissions.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppPageUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isDocumentationUrl(url)) void confirmThenOpen(url);
    return { action: 'deny' };
  });
});

/** Opens a documentation link in the system browser once the user said yes. */
async function confirmThenOpen(url: string): Promise<void> {
  const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  const question = {
    type: 'question' as const,
    defaultId: 0,
    cancelId: 0,
    noLink: true,
    ...confirmExternalMessage(url),
  };
  const { response } = window ? await dialog.showMessageBox(window, question) : await dialog.showMessageBox(question);
  if (response === 1) await shell.openExternal(url);
}

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
  const unregister = registerIpc(createHandlers(services), win, APP_ENTRY_URL, services.events);
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
  await win.loadURL(APP_ENTRY_URL);
}

app.whenReady().then(
  async () => {
    // Camera, notifications, clipboard, HID, …: the workbench needs none, so every request and check says no.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.setDevicePermissionHandler(() => false);
    registerAppProtocol();
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
