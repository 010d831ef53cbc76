/** Shared plumbing of the browser end-to-end specs: build the renderer, start `owb serve`, launch Chromium. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../src-main/node/serve/renderer-build.js';
import { createFixtureWorkspace, type FixtureOptions } from './fixture-workspace.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.OWB_CHROMIUM ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `owb serve --workspace DIR --port PORT` (0: any free port) from the sources and waits for its URL line. */
export async function startServe(workspace: string, port = 0): Promise<Served> {
  ensureRendererBuilt(ROOT);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/cli/main.ts', 'serve', '--workspace', workspace, '--port', String(port)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line.trim())) resolveUrl(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`owb serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Collects uncaught page errors and console errors, so a spec can assert the UI ran cleanly. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** A fixture workspace served by `owb serve`, and a 1440×900 page on it in Chromium. */
export interface Workbench {
  dir: string;
  served: Served;
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the server and removes the workspace. */
  close(): Promise<void>;
}

/** Opens a `Workbench` on a new fixture workspace; `prepare` may add to the folder before serving. */
export async function openWorkbench(
  name: string,
  fixture: FixtureOptions,
  prepare?: (dir: string) => void,
): Promise<Workbench> {
  const dir = mkdtempSync(join(tmpdir(), `owb-e2e-${name}-`));
  let served: Served | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    createFixtureWorkspace(dir, fixture);
    prepare?.(dir);
    served = await startServe(dir);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    return { dir, served, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
