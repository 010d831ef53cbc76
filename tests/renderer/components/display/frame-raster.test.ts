// The viewer's frame raster in Chromium: the WebGL2 path (R32F tiles, stretch and colour map in the
// fragment shader) read back and compared with the CPU stretch `renderRgba` (within 1 grey level per
// channel), tiled and untiled, zoomed, on a level chosen by zoom; the 2-D fallback where the browser has
// no WebGL2; and the display worker against the server's binned levels and core's zscale.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { binImage } from '../../../../src-main/node/api/frame-images.js';
import { samplePixels, zscaleLimits } from '../../../../src-renderer/components/display/limits.js';
import { renderRgba, type DisplaySettings } from '../../../../src-renderer/components/display/stretch.js';
import { COLORMAPS, STRETCHES } from '../../../../src-workers/core/display/index.js';
import { CHROMIUM, chromiumAvailable, launchBrowser } from '../../../e2e/harness.js';
import { mulberry32 } from '../../../seeded-uniform.js';
import { fromBase64, loadDisplayModules, toBase64 } from './raster-page.js';

/** What raster-entry.ts puts on the page (typed loosely: the page's objects never reach Node). */
interface PageDisplay {
  drawCase(c: unknown): { kind: string; rgba: string };
  drawDuringPrepare(c: unknown, index: number): Promise<{ during: string; after: string }>;
  startWorker(): {
    levels(
      level: unknown,
      factors: number[],
    ): Promise<Array<{ width: number; height: number; binning: number; data: Float32Array }>>;
    limits(sample: Float32Array, limits: unknown[]): Promise<{ limits: Array<{ lo: number; hi: number }> }>;
    threaded: boolean;
    dispose(): void;
  };
  decode(text: string): Float32Array;
  encode(bytes: Uint8Array): string;
}

/** The page's window, in functions that page.evaluate runs there (they cannot call this file's functions). */
type PageWindow = { owbDisplay: PageDisplay };

const W = 613;
const H = 411;

/** Sky 1000 ± 30 with a gradient, 200 stars up to 60 000 ADU, NaN, ±Infinity and a 1e12 pixel. */
function syntheticFrame(): Float32Array {
  const rand = mulberry32(24);
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      data[y * W + x] = 1000 + 0.2 * x - 0.1 * y + 30 * g;
    }
  for (let s = 0; s < 200; s++) {
    const cx = rand() * W;
    const cy = rand() * H;
    const peak = 60000 * rand() ** 3;
    for (let y = Math.max(0, Math.floor(cy - 8)); y < Math.min(H, cy + 8); y++)
      for (let x = Math.max(0, Math.floor(cx - 8)); x < Math.min(W, cx + 8); x++)
        data[y * W + x] += peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4.5);
  }
  for (let i = 0; i < 300; i++) data[Math.floor(rand() * W * H)] = Number.NaN;
  data[5] = Infinity;
  data[6] = -Infinity;
  data[7] = 1e12;
  return data;
}

const frame = syntheticFrame();
const sample = samplePixels(frame, 50_000);
const zscale = zscaleLimits(sample);

function expected(data: Float32Array, settings: DisplaySettings): Uint8Array {
  const out = new Uint8ClampedArray(data.length * 4);
  renderRgba(data, out, settings, sample);
  return new Uint8Array(out.buffer);
}

/** Largest per-channel difference and how many pixels differ at all. */
function compare(a: Uint8Array, b: Uint8Array): { max: number; differing: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
    if (d > max) max = d;
    if (d) differing++;
  }
  return { max, differing };
}

async function draw(
  page: Page,
  c: {
    key: string;
    options: object;
    levels: Array<{ width: number; height: number; binning: number; data: Float32Array }>;
    settings: DisplaySettings;
    view: { zoom: number; panX: number; panY: number };
    widthPx: number;
    heightPx: number;
  },
): Promise<{ kind: string; rgba: Uint8Array }> {
  const arg = { ...c, sample: toBase64(sample), levels: c.levels.map((l) => ({ ...l, data: toBase64(l.data) })) };
  const r = (await page.evaluate((a) => (window as unknown as PageWindow).owbDisplay.drawCase(a), arg)) as {
    kind: string;
    rgba: string;
  };
  return { kind: r.kind, rgba: fromBase64(r.rgba) };
}

const full = { width: W, height: H, binning: 1, data: frame };
const oneToOne = { zoom: 1, panX: 0, panY: H };

describe('frame raster in Chromium', { skip: !chromiumAvailable() && `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    await loadDisplayModules(page);
  });
  after(async () => browser?.close());

  it('draws with WebGL2 the picture renderRgba makes, within 1 level, for every stretch, colour map and inversion', async () => {
    for (const stretch of STRETCHES)
      for (const colormap of COLORMAPS)
        for (const invert of [false, true]) {
          const settings: DisplaySettings = { stretch, colormap, invert, limits: zscale };
          const got = await draw(page, {
            key: 'gl',
            options: { mode: 'webgl2' },
            levels: [full],
            settings,
            view: oneToOne,
            widthPx: W,
            heightPx: H,
          });
          assert.equal(got.kind, 'webgl2');
          const { max, differing } = compare(got.rgba, expected(frame, settings));
          assert.ok(max <= 1, `${stretch}/${colormap}/${invert}: differs by ${max} levels (${differing} pixels)`);
        }
  });

  it('gives the same picture from 128-pixel tiles as from one texture, with wide limits and log', async () => {
    for (const limits of [zscale, { lo: -50, hi: 70000 }]) {
      const settings: DisplaySettings = { stretch: 'log', colormap: 'viridis', invert: false, limits };
      const tiled = await draw(page, {
        key: 'gl-tiles',
        options: { mode: 'webgl2', maxTileSizePx: 128 },
        levels: [full],
        settings,
        view: oneToOne,
        widthPx: W,
        heightPx: H,
      });
      const { max } = compare(tiled.rgba, expected(frame, settings));
      assert.ok(max <= 1, `tiled: ${max} levels`);
    }
  });

  it('maps screen pixels to image pixels by the view transform when zoomed in (image y up)', async () => {
    const settings: DisplaySettings = { stretch: 'asinh', colormap: 'heat', invert: false, limits: zscale };
    const view = { zoom: 3, panX: -150.2, panY: 400.25 };
    const [w, h] = [200, 120];
    const got = await draw(page, {
      key: 'gl-tiles',
      options: {},
      levels: [full],
      settings,
      view,
      widthPx: w,
      heightPx: h,
    });
    const ref = expected(frame, settings);
    let max = 0;
    let checked = 0;
    for (let row = 0; row < h; row++)
      for (let sx = 0; sx < w; sx++) {
        // Read back bottom row first: screen y (top-down) of read-back row `row` is h − 1 − row.
        const sy = h - 1 - row + 0.5;
        const ix = (sx + 0.5 - view.panX) / view.zoom;
        const iy = (view.panY - sy) / view.zoom;
        // Skip pixel centres within 1e-3 px of a texel edge, where rasterisation may round either way.
        if (Math.abs(ix - Math.round(ix)) < 1e-3 || Math.abs(iy - Math.round(iy)) < 1e-3) continue;
        const o = (row * w + sx) * 4;
        const inside = ix >= 0 && iy >= 0 && ix < W && iy < H;
        const e = inside ? (Math.floor(iy) * W + Math.floor(ix)) * 4 : -1;
        for (let ch = 0; ch < 3; ch++) max = Math.max(max, Math.abs(got.rgba[o + ch] - (e < 0 ? 0 : ref[e + ch])));
        checked++;
      }
    assert.ok(checked > w * h * 0.9, `only ${checked} pixels checked`);
    assert.ok(max <= 1, `zoomed: ${max} levels`);
  });

  it('draws the binned level when zoomed out to its scale, and full resolution when zoomed in', async () => {
    const binned = binImage({ width: W, height: H, data: frame }, 4);
    const settings: DisplaySettings = { stretch: 'sqrt', colormap: 'grey', invert: false, limits: zscale };
    const levels = [full, binned];
    const out = await draw(page, {
      key: 'gl',
      options: {},
      levels,
      settings,
      view: { zoom: 0.25, panX: 0, panY: binned.height },
      widthPx: binned.width,
      heightPx: binned.height,
    });
    assert.ok(compare(out.rgba, expected(binned.data, settings)).max <= 1);
    const inside = await draw(page, {
      key: 'gl',
      options: {},
      levels,
      settings,
      view: oneToOne,
      widthPx: W,
      heightPx: H,
    });
    assert.ok(compare(inside.rgba, expected(frame, settings)).max <= 1);
  });

  it('uploads a large level in strips and draws the preview until the upload is complete', async () => {
    // 1024 × 2100 = 2.15 Mpx: two strips of 2^21 pixels.
    const [w, h] = [1024, 2100];
    const rand = mulberry32(7);
    const big = Float32Array.from({ length: w * h }, (_, i) => (i % w) + 100 * rand());
    const binned = binImage({ width: w, height: h, data: big }, 4);
    const settings: DisplaySettings = {
      stretch: 'linear',
      colormap: 'grey',
      invert: false,
      limits: { lo: 0, hi: 1100 },
    };
    const view = { zoom: 1, panX: 0, panY: 300 };
    const levels = [{ width: w, height: h, binning: 1, data: big }, binned];
    const arg = {
      key: 'gl-strips',
      options: {},
      settings,
      view,
      widthPx: 400,
      heightPx: 300,
      sample: toBase64(sample),
      levels: levels.map((l) => ({ ...l, data: toBase64(l.data) })),
    };
    const got = await page.evaluate(([a, i]) => (window as unknown as PageWindow).owbDisplay.drawDuringPrepare(a, i), [
      arg,
      0,
    ] as const);
    // Expected: the bottom-left 400 × 300 image pixels of a level (read-back row r = image row r).
    const crop = (level: { width: number; binning: number; data: Float32Array }): Uint8Array => {
      const rgba = expected(level.data, settings);
      const out = new Uint8Array(400 * 300 * 4);
      for (let y = 0; y < 300; y++)
        for (let x = 0; x < 400; x++) {
          const s0 = (Math.floor(y / level.binning) * level.width + Math.floor(x / level.binning)) * 4;
          out.set(rgba.subarray(s0, s0 + 4), (y * 400 + x) * 4);
        }
      return out;
    };
    assert.ok(compare(fromBase64(got.during), crop(binned)).max <= 1, 'while uploading: the binned level');
    assert.ok(compare(fromBase64(got.after), crop(levels[0])).max <= 1, 'uploaded: full resolution');
  });

  it('computes block averages in a worker equal to the server binned level, and zscale equal to core on the same sample', async () => {
    const got = (await page.evaluate(
      async ([data, w, h]) => {
        const d = (window as unknown as PageWindow).owbDisplay;
        const worker = d.startWorker();
        const level = { width: w, height: h, binning: 1, data: d.decode(data) };
        const [b2, b4] = await worker.levels(level, [2, 4]);
        const limits = await worker.limits(level.data.subarray(0, 20000), [{ kind: 'zscale' }]);
        const threaded = worker.threaded;
        worker.dispose();
        return {
          threaded,
          b2: { w: b2.width, h: b2.height, binning: b2.binning, data: d.encode(new Uint8Array(b2.data.buffer)) },
          b4: { w: b4.width, h: b4.height, binning: b4.binning, data: d.encode(new Uint8Array(b4.data.buffer)) },
          zscale: limits.limits[0],
          intact: level.data.length,
        };
      },
      [toBase64(frame), W, H] as const,
    )) as {
      threaded: boolean;
      b2: { w: number; h: number; binning: number; data: string };
      b4: { w: number; h: number; binning: number; data: string };
      zscale: { lo: number; hi: number };
      intact: number;
    };
    assert.equal(got.threaded, true);
    assert.equal(got.intact, W * H, 'the frame stays usable on the main thread');
    for (const [factor, level] of [
      [2, got.b2],
      [4, got.b4],
    ] as const) {
      const server = binImage({ width: W, height: H, data: frame }, factor);
      assert.deepEqual([level.w, level.h, level.binning], [server.width, server.height, factor]);
      const bytes = fromBase64(level.data);
      assert.deepEqual(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), server.data);
    }
    assert.deepEqual(got.zscale, zscaleLimits(samplePixels(frame.subarray(0, 20000), 20000)));
  });
});

describe('frame raster without WebGL2', { skip: !chromiumAvailable() && `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-webgl', '--disable-3d-apis'],
    });
    page = await browser.newPage();
    await loadDisplayModules(page);
  });
  after(async () => browser?.close());

  it('falls back to the 2-D canvas and draws the same picture', async () => {
    for (const stretch of STRETCHES) {
      const settings: DisplaySettings = { stretch, colormap: 'viridis', invert: stretch === 'log', limits: zscale };
      const got = await draw(page, {
        key: 'auto',
        options: {},
        levels: [full],
        settings,
        view: oneToOne,
        widthPx: W,
        heightPx: H,
      });
      assert.equal(got.kind, '2d');
      assert.deepEqual(compare(got.rgba, expected(frame, settings)), { max: 0, differing: 0 }, stretch);
    }
  });
});
