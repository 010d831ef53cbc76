// The workbench UI in Debian's Chromium against `owb serve`: time from request to first full render of a
// 4096² frame (goal < 1 s), median time from a curation key press to the next stamp on screen (goal
// < 50 ms), and scrolling a 1-million-row source table (frame intervals; a "dropped" frame is an
// interval over 1.5 × 16.7 ms). Inputs are generated once into bench-data/ui/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../src-main/node/catalog/database.js';
import { createFixtureWorkspace } from '../../tests/e2e/fixture-workspace.js';
import { chromiumAvailable, launchBrowser, startServe } from '../../tests/e2e/harness.js';
import type { BenchContext } from '../harness.js';

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const quantile = (v: number[], q: number): number =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];

/** Pads frame 1's catalog with synthetic sources up to `rows` (one transaction). */
function padSources(dbPath: string, rows: number): void {
  const db = openDatabase(dbPath);
  try {
    const have = (db.prepare('SELECT COUNT(*) AS n FROM sources').get() as { n: number }).n;
    if (have >= rows) return;
    const insert = db.prepare(
      'INSERT INTO sources (frame_id, idx, x, y, ra, dec, flux, flux_err, mag, snr, fwhm, flags) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 0)',
    );
    db.transaction(() => {
      for (let i = have; i < rows; i++) {
        const flux = 200 + ((i * 7919) % 100000);
        insert.run(
          i,
          (i * 13) % 4096,
          (i * 29) % 4096,
          202 + (i % 1000) / 1e4,
          47 + (i % 997) / 1e4,
          flux,
          Math.sqrt(flux),
          25 - 2.5 * Math.log10(flux),
          flux / Math.sqrt(flux + 3000),
        );
      }
    })();
  } finally {
    db.close();
  }
}

async function timeFrameRender(page: Page, url: string, frameId: number): Promise<{ first: number; full: number }> {
  // Start from a view without thumbnails, so the server is not busy binning previews of the big frames.
  await page.goto(`${url}#/pipeline`);
  await page.waitForLoadState('networkidle');
  // A string, not a function: tsx's keepNames helpers (`__name`) do not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    let first = 0;
    const observer = new MutationObserver(() => {
      if (!first && document.querySelector('[data-testid="viewer-ready"]')) {
        requestAnimationFrame(() => requestAnimationFrame(() => { first = performance.now() - t0; }));
      }
      if (!document.querySelector('[data-testid="viewer-full-ready"]')) return;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({ first: first || performance.now() - t0, full: performance.now() - t0 })));
    });
    observer.observe(document.body, { childList: true, subtree: true });
    location.hash = '#/viewer?frame=${frameId}';
  })`) as Promise<{ first: number; full: number }>;
}

export default async function uiBench(ctx: BenchContext): Promise<void> {
  if (!chromiumAvailable()) {
    ctx.row({ suite: 'ui', task: 'all', tool: 'owb (chromium)', note: 'skipped: no /usr/bin/chromium' });
    return;
  }
  const size = ctx.quick ? 1024 : 4096;
  const rows = ctx.quick ? 100_000 : 1_000_000;
  const dir = join(ctx.dataDir, 'ui', `ws-${size}-${rows}`);
  if (!existsSync(join(dir, 'catalog.db'))) {
    mkdirSync(dir, { recursive: true });
    createFixtureWorkspace(dir, { frames: 2, sizePx: size, starCount: ctx.quick ? 300 : 3000 });
  }
  padSources(join(dir, 'catalog.db'), rows);

  const served = await startServe(dir);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

    // 1. Request → first full render of a size² frame (cold: the server decodes the FITS; warm: cached).
    // Frame 2: frame 1 carries the padding rows of the table benchmark.
    const cold = await timeFrameRender(page, served.url, 2);
    const warm: Array<{ first: number; full: number }> = [];
    for (let i = 0; i < 3; i++) warm.push(await timeFrameRender(page, served.url, 2));
    ctx.row({
      suite: 'ui',
      task: `first render of a ${size}² frame`,
      tool: 'owb (chromium)',
      wallSec: cold.first / 1000,
      metrics: {
        'cold ms': Math.round(cold.first),
        'warm median ms': Math.round(median(warm.map((w) => w.first))),
        'full-res cold ms': Math.round(cold.full),
        'full-res warm ms': Math.round(median(warm.map((w) => w.full))),
        'goal ms': 1000,
      },
      note: 'first = whole frame at screen resolution (server-binned preview), then full resolution',
    });

    // 2. Curation: key press → next stamp shown.
    await page.goto(`${served.url}#/curation`);
    await page.locator('[data-testid="curation-current"][data-ready="yes"]').waitFor();
    await page.evaluate('window.__owbCurationLatencies = []');
    const presses = ctx.quick ? 20 : 60;
    for (let i = 0; i < presses; i++) {
      const id = await page.getByTestId('curation-current').getAttribute('data-item-id');
      await page.keyboard.press(i % 3 === 2 ? 'r' : 'a');
      await page.waitForFunction((prev) => {
        const el = document.querySelector('[data-testid="curation-current"]');
        return el?.getAttribute('data-item-id') !== prev && el?.getAttribute('data-ready') === 'yes';
      }, id);
    }
    await page.waitForTimeout(100);
    const latencies = (await page.evaluate('window.__owbCurationLatencies ?? []')) as number[];
    ctx.row({
      suite: 'ui',
      task: 'curation key → next stamp',
      tool: 'owb (chromium)',
      metrics: {
        n: latencies.length,
        'median ms': Number(median(latencies).toFixed(1)),
        'p95 ms': Number(quantile(latencies, 0.95).toFixed(1)),
        'goal ms': 50,
      },
    });

    // 3. Scroll the source table: a sweep from top to bottom in 240 animation frames (every frame shows
    //    new rows fetched by page), then a steady wheel-like scroll of 6 rows per frame.
    await page.goto(`${served.url}#/catalog`);
    await page.getByTestId('sources-table-viewport').waitFor();
    await page.waitForFunction(() =>
      /[1-9]/.test(document.querySelector('[data-testid="catalog-total"]')?.textContent ?? ''),
    );
    const scrollRun = async (smooth: boolean): Promise<{ intervals: number[]; rows: number }> =>
      (await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid="sources-table-viewport"]');
      const intervals = [];
      const steps = 240;
      const smooth = ${smooth};
      let k = 0;
      let last = 0;
      const tick = (now) => {
        intervals.push(now - last);
        last = now;
        el.scrollTop = smooth ? 400000 + k * 168 : ((el.scrollHeight - el.clientHeight) * k) / steps;
        if (++k <= steps) requestAnimationFrame(tick);
        else resolve({ intervals: intervals.slice(2), rows: Math.round(el.scrollHeight / 28) });
      };
      requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
    })`)) as { intervals: number[]; rows: number };
    for (const smooth of [false, true]) {
      const scroll = await scrollRun(smooth);
      const dropped = scroll.intervals.filter((ms) => ms > 25).length;
      ctx.row({
        suite: 'ui',
        task: `${smooth ? 'wheel-scroll' : 'sweep'} a ${scroll.rows.toLocaleString()}-row table`,
        tool: 'owb (chromium)',
        metrics: {
          frames: scroll.intervals.length,
          'median frame ms': Number(median(scroll.intervals).toFixed(1)),
          'p95 frame ms': Number(quantile(scroll.intervals, 0.95).toFixed(1)),
          'dropped (>25 ms)': dropped,
        },
        note: 'headless Chromium, --disable-gpu',
      });
    }
  } finally {
    await browser.close();
    await served.stop();
  }
}
