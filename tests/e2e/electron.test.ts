import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { createFixtureWorkspace } from './fixture-workspace.js';
import { ROOT, screenshot } from './harness.js';

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const main = join(ROOT, 'dist', 'src-main', 'electron-main', 'main.js');
const skip = !binary
  ? 'SKIPPED: no Electron binary installed (node_modules/electron has no dist/); the browser specs cover the same UI'
  : !display
    ? 'SKIPPED: no display (set DISPLAY or run under xvfb-run) for the Electron window'
    : !existsSync(main)
      ? 'SKIPPED: the app is not built (run npm run build)'
      : false;

// The skip sits on the test, not the suite: node:test counts a skipped suite's tests as neither run nor
// skipped, so the summary said "skipped 0" while the desktop spec never ran.
describe('desktop app (Electron)', () => {
  it('opens one secure window on a workspace and serves the contract over IPC', { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-e2e-electron-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 128, starCount: 10 });
    const { bundlePreload } = (await import(join(ROOT, 'bin', 'bundle-preload.js'))) as {
      bundlePreload: () => Promise<string>;
    };
    await bundlePreload();
    const app = await electron.launch({ executablePath: binary!, args: [main, '--workspace', dir], cwd: ROOT });
    try {
      const page = await app.firstWindow();
      await page.getByTestId('workspace-counts').waitFor();
      assert.match(page.url(), /^app:\/\/workbench\/index\.html/, 'served by the app:// scheme, not file://');
      // The app:// CSP refuses network connections from the page (connect-src 'none').
      const connected = await page.evaluate(() =>
        fetch('http://127.0.0.1:9/').then(
          () => 'connected',
          () => 'refused',
        ),
      );
      assert.equal(connected, 'refused');
      assert.match(await page.getByTestId('workspace-counts').innerText(), /2 frames/);
      // No Node in the page, and only the bridge on window.
      assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
      assert.equal(
        await page.evaluate(() => typeof (window as unknown as { owb?: { invoke?: unknown } }).owb?.invoke),
        'function',
      );
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0];
        return {
          count: BrowserWindow.getAllWindows().length,
          prefs: (
            w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }
          ).getLastWebPreferences(),
        };
      });
      assert.equal(prefs.count, 1);
      assert.equal(prefs.prefs.contextIsolation, true);
      assert.equal(prefs.prefs.sandbox, true);
      assert.equal(prefs.prefs.nodeIntegration, false);
      await screenshot(page, 'electron-frames');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
