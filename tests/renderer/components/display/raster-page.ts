/**
 * Loads the renderer's display modules into a blank Chromium page (bundled by esbuild, with the display
 * worker as a Blob URL), for specs and the viewer bench that drive `FrameRaster` and `DisplayWorker`
 * directly. The page exposes `window.owbDisplay`.
 */
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { ROOT } from '../../../e2e/harness.js';

let bundles: Promise<{ page: string; worker: string }> | null = null;

async function bundle(entry: string, globalName?: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    absWorkingDir: ROOT,
    // DisplayWorker's default worker URL; the page passes its own factory.
    define: { 'import.meta.url': '"about:blank"' },
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

const ENTRY = 'tests/renderer/components/display/raster-entry.ts';

/**
 * Adds `window.owbDisplay` to `page`, at whatever URL it shows: raster-entry.ts, or another entry
 * (relative to the repository root) that re-exports it.
 */
export async function loadDisplayModules(page: Page, entry = ENTRY): Promise<void> {
  if (entry !== ENTRY) bundles = null;
  bundles ??= Promise.all([
    bundle(entry, 'owbDisplay'),
    bundle('src-renderer/components/display/display.worker.ts'),
  ]).then(([pageCode, worker]) => ({ page: pageCode, worker }));
  const { page: code, worker } = await bundles;
  if (entry !== ENTRY) bundles = null;
  await page.addScriptTag({ content: code });
  await page.evaluate(`window.owbDisplay.setWorkerSource(${JSON.stringify(worker)})`);
}

/** Float32Array → base64 of its bytes, and back (page.evaluate carries strings cheaply). */
export function toBase64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
