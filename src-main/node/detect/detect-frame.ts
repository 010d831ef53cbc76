import {
  buildBackgroundModel,
  createBackgroundEvaluator,
  meshGrid,
  modelFromMeshes,
  type BackgroundModel,
} from '../../../src-workers/core/background/index.js';
import { concatCatalogs, selectRows, type SourceCatalog } from '../../../src-workers/core/catalog/index.js';
import {
  addApertureFluxes,
  CLEAN_STRIDE,
  cleanCatalog,
  detectRegion,
  noiseForDetection,
  resolveDetectOptions,
  type DetectOptions,
  type PixelBox,
  type RegionResult,
} from '../../../src-workers/core/detect/index.js';
import { cropImage, type Image } from '../../../src-workers/core/image/image.js';
import { addMagnitudes, addPsfPhotometry } from '../../../src-workers/core/photometry/index.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { StageProfiler } from '../profile.js';

/** What `owb detect` (and other services) ask of a whole frame. */
export interface DetectFrameOptions extends Omit<DetectOptions, 'background' | 'cancel'> {
  /** Worker threads; ≤ 1 runs in this thread [1]. */
  workers?: number;
  /** Reuse a pool instead of creating one (its size wins over `workers`). */
  pool?: WorkerPool;
  /**
   * A pool of `workers` threads started before the frame was read (`startDetectPool`), so its threads boot
   * while the file is read: used when the frame runs on workers, destroyed in any case.
   */
  warmPool?: WorkerPool;
  /** Calibration: mag = zeroPoint − 2.5 log10(flux / exposureSec). */
  zeroPointMag?: number;
  exposureSec?: number;
  /** PSF photometry (ePSF from the field's isolated stars): adds flux_psf, flux_psf_err, psf_chi2. */
  psf?: boolean;
  /** Rows per strip when tiling [auto]. */
  stripRows?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Stage timings for `--profile` (node/profile.ts). */
  profile?: StageProfiler;
}

/** Frames smaller than this run in this thread even with `workers > 1` (unless a pool is given). */
const MIN_PIXELS_FOR_WORKERS = 8_000_000;
/**
 * Starts the pool `detectFrame` will use for a file of `fileBytes` bytes, before the file is read, when
 * the frame can be large enough to run on workers (at least `MIN_PIXELS_FOR_WORKERS` 32-bit pixels);
 * otherwise undefined. Pass it as `warmPool`.
 */
export function startDetectPool(fileBytes: number, workers: number): WorkerPool | undefined {
  return workers > 1 && fileBytes >= MIN_PIXELS_FOR_WORKERS * 4 ? new WorkerPool({ threads: workers }) : undefined;
}

/** Extra rows each strip reads beyond the rows it owns; larger objects are finished on the full frame. */
const STRIP_MARGIN_ROWS = 48;

/**
 * Detects and measures all sources of a frame. With `workers > 1` the frame is copied once into a
 * SharedArrayBuffer and cut into overlapping horizontal strips run on the worker pool; each strip keeps the
 * objects it sees completely and the rest are finished here on larger crops, so the catalog is identical for
 * any number of workers (rows ordered by the raster position of each blend's first pixel).
 */
export async function detectFrame(
  image: Image,
  options: DetectFrameOptions = {},
): Promise<{ catalog: SourceCatalog; model: BackgroundModel; psfStars?: number; psfNote?: string }> {
  const resolved = resolveDetectOptions(options);
  // With a known radius the apertures are measured where the objects are (in the workers).
  if (options.apertureRadiusPx !== undefined) {
    resolved.aperture = {
      radiusPx: options.apertureRadiusPx,
      annulusPx: options.annulusPx,
      gainEPerAdu: options.gainEPerAdu,
    };
  }
  const profile = options.profile ?? new StageProfiler(false);
  const frameBytes = image.data.length * 4;
  const workers = options.pool?.threads ?? Math.max(1, Math.floor(options.workers ?? 1));
  const parts: RegionResult[] = [];
  const full: PixelBox = { x0: 0, y0: 0, x1: image.width - 1, y1: image.height - 1 };
  const geometryOf = (x0: number, y0: number) => ({ x0, y0, fullWidth: image.width, fullHeight: image.height });
  // Worker start-up and per-isolate JIT warm-up cost more than they save on small frames.
  const tooSmall = !options.pool && image.width * image.height < MIN_PIXELS_FOR_WORKERS;
  const inThisThread = workers <= 1 || tooSmall || image.height < 4 * STRIP_MARGIN_ROWS;
  const backgroundOptions = {
    meshSizePx: resolved.backSizePx,
    filterSize: resolved.backFilter,
    mask: options.mask,
    saturationLevel: options.saturationLevel,
  };
  if (inThisThread) {
    await options.warmPool?.destroy();
    const model = profile.timeSync(
      'background meshes',
      () => noiseForDetection(buildBackgroundModel(image, backgroundOptions), resolved.threshRms),
      frameBytes,
    );
    options.onProgress?.(0, 1);
    // Filter, threshold, label, deblend and measure in this thread (one streaming pass over the rows).
    parts.push(
      profile.timeSync(
        'detect region (1 thread)',
        () => detectRegion(image, geometryOf(0, 0), model, resolved, full),
        frameBytes * 4,
      ),
    );
    options.onProgress?.(1, 1);
    return finish(image, options, resolved, model, parts, profile);
  }
  // The pool starts first: its threads load while the frame is copied, then estimate the background meshes
  // (rows split between them), then detect the strips. Strips are views on one shared buffer (read straight
  // into it by `readFrame` when possible).
  const pool = options.pool ?? options.warmPool ?? new WorkerPool({ threads: workers });
  try {
    let shared = image.data;
    if (!(shared.buffer instanceof SharedArrayBuffer)) {
      shared = new Float32Array(new SharedArrayBuffer(image.data.length * 4));
      shared.set(image.data);
    }
    const sharedMask = options.mask ? new Uint8Array(new SharedArrayBuffer(options.mask.length)) : undefined;
    if (sharedMask && options.mask) sharedMask.set(options.mask);
    const model = await profile.time(
      `background meshes (${workers} workers)`,
      async () => {
        const { nx, ny } = meshGrid(image.width, image.height, backgroundOptions);
        const level = new Float32Array(nx * ny);
        const sigma = new Float32Array(nx * ny);
        const rows = Math.ceil(ny / workers);
        const jobs: Promise<void>[] = [];
        for (let j0 = 0; j0 < ny; j0 += rows) {
          const j1 = Math.min(ny, j0 + rows);
          const input = {
            pixels: shared,
            width: image.width,
            height: image.height,
            meshSizePx: resolved.backSizePx,
            saturationLevel: options.saturationLevel,
            mask: sharedMask,
            j0,
            j1,
          };
          jobs.push(
            pool.run('background-meshes', input, { signal: options.signal }).then((r) => {
              level.set(r.level, j0 * nx);
              sigma.set(r.sigma, j0 * nx);
            }),
          );
        }
        await Promise.all(jobs);
        const built = modelFromMeshes(image.width, image.height, backgroundOptions, level, sigma);
        return noiseForDetection(built, resolved.threshRms);
      },
      frameBytes,
    );
    const tStrips = performance.now();
    const stripRows = Math.max(2 * STRIP_MARGIN_ROWS, options.stripRows ?? Math.ceil(image.height / workers));
    const { mask: _mask, cancel: _cancel, ...taskOptions } = resolved;
    const jobs: Promise<RegionResult>[] = [];
    let done = 0;
    const total = Math.ceil(image.height / stripRows);
    for (let oy0 = 0; oy0 < image.height; oy0 += stripRows) {
      const oy1 = Math.min(image.height, oy0 + stripRows) - 1;
      const ty0 = Math.max(0, oy0 - STRIP_MARGIN_ROWS);
      const ty1 = Math.min(image.height - 1, oy1 + STRIP_MARGIN_ROWS);
      const w = image.width;
      jobs.push(
        pool
          .run(
            'detect-tile',
            {
              pixels: shared.subarray(ty0 * w, (ty1 + 1) * w),
              width: w,
              height: ty1 - ty0 + 1,
              geometry: geometryOf(0, ty0),
              own: { x0: 0, y0: oy0, x1: w - 1, y1: oy1 },
              model,
              options: taskOptions,
              mask: sharedMask?.subarray(ty0 * w, (ty1 + 1) * w),
            },
            { signal: options.signal },
          )
          .then((r) => {
            options.onProgress?.(++done, total);
            return r;
          }),
      );
    }
    parts.push(...(await Promise.all(jobs)));
    profile.add(`detect strips (${workers} workers)`, performance.now() - tStrips, frameBytes * 4);
    const tFinish = performance.now();
    // Parents larger than a strip's margin: finish each on a crop that grows until it sees them whole,
    // in the workers (warm by now; this thread has not compiled the detection code), all at once.
    const finishParent = async (parent: RegionResult['incomplete'][number]): Promise<RegionResult> => {
      for (let pad = 64; ; pad *= 2) {
        const x0 = Math.max(0, parent.box.x0 - pad);
        const y0 = Math.max(0, parent.box.y0 - pad);
        const x1 = Math.min(image.width - 1, parent.box.x1 + pad);
        const y1 = Math.min(image.height - 1, parent.box.y1 + pad);
        const crop = cropImage(image, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        const mask = options.mask ? cropMask(options.mask, image.width, x0, y0, x1 - x0 + 1, y1 - y0 + 1) : undefined;
        const r = await pool.run(
          'detect-tile',
          {
            pixels: crop.data,
            width: crop.width,
            height: crop.height,
            geometry: geometryOf(x0, y0),
            own: full,
            model,
            options: taskOptions,
            mask,
            targetKey: parent.key,
          },
          { signal: options.signal },
        );
        const wholeFrame = x0 === 0 && y0 === 0 && x1 === image.width - 1 && y1 === image.height - 1;
        if (r.incomplete.length === 0 || wholeFrame) return { ...r, incomplete: [] };
      }
    };
    parts.push(...(await Promise.all(parts.flatMap((p) => p.incomplete).map(finishParent))));
    profile.add('finish objects across strips', performance.now() - tFinish);
    return finish(image, options, resolved, model, parts, profile);
  } finally {
    if (!options.pool) await pool.destroy();
  }
}

/** Merge, CLEAN, the photometry left to do on the whole catalog, and magnitudes. */
function finish(
  image: Image,
  options: DetectFrameOptions,
  resolved: ReturnType<typeof resolveDetectOptions>,
  model: BackgroundModel,
  parts: RegionResult[],
  profile: StageProfiler,
): { catalog: SourceCatalog; model: BackgroundModel; psfStars?: number; psfNote?: string } {
  const merged = profile.timeSync('merge', () => mergeParts(parts));
  let catalog = merged.catalog;
  if (options.clean !== false) {
    const cleaned = catalog;
    catalog = profile.timeSync('clean', () =>
      selectRows(cleaned, cleanCatalog(cleaned, merged.cleanInfo, options.cleanParam ?? 1)),
    );
  }
  if (!resolved.aperture) {
    catalog = profile.timeSync('aperture fluxes', () =>
      addApertureFluxes(image, model, catalog, undefined, options.gainEPerAdu, options.mask, options.annulusPx),
    );
  }
  let psfStars: number | undefined;
  let psfNote: string | undefined;
  if (options.psf) {
    const r = profile.timeSync('PSF photometry', () =>
      addPsfPhotometry(image, catalog, createBackgroundEvaluator(model), options.gainEPerAdu),
    );
    psfStars = r.psfStars;
    psfNote = r.reason;
  }
  if (options.zeroPointMag !== undefined) addMagnitudes(catalog, options.zeroPointMag, options.exposureSec ?? 1);
  return { catalog, model, psfStars, psfNote };
}

function cropMask(mask: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(mask.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + w), y * w);
  return out;
}

/** Concatenates region results and orders rows by (parent key, child index): independent of the tiling. */
function mergeParts(parts: RegionResult[]): { catalog: SourceCatalog; cleanInfo: Float64Array } {
  const cat = concatCatalogs(parts.map((p) => p.catalog));
  const keys = new Float64Array(cat.count);
  const child = new Int32Array(cat.count);
  const info = new Float64Array(cat.count * CLEAN_STRIDE);
  let o = 0;
  for (const p of parts) {
    keys.set(p.parentKey, o);
    child.set(p.childIndex, o);
    info.set(p.cleanInfo, o * CLEAN_STRIDE);
    o += p.catalog.count;
  }
  const order = Array.from({ length: cat.count }, (_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || child[a] - child[b]);
  const cleanInfo = new Float64Array(info.length);
  order.forEach((r, k) => cleanInfo.set(info.subarray(r * CLEAN_STRIDE, (r + 1) * CLEAN_STRIDE), k * CLEAN_STRIDE));
  return { catalog: selectRows(cat, order), cleanInfo };
}
