/**
 * The analysis bundle of one frame: a ZIP with the catalog, an aperture preview per source, its radial
 * profile and curve of growth as PNG plots, the numbers behind the plots as CSV, and a manifest.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildBackgroundModel, createBackgroundEvaluator } from '../../../src-workers/core/background/index.js';
import { renderGrey } from '../../../src-workers/core/display/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { curveOfGrowth, radialProfile } from '../../../src-workers/core/photometry/index.js';
import { linePlotSvg, stampSvg, type StampCircle } from '../../../src-workers/core/plot/index.js';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { greyPng, svgToPng } from '../../../src-workers/io/png-render.js';
import { zipArchive, type ZipEntry } from './zip.js';

/** A source to show, in the catalog's ids and 0-based pixel-centre coordinates. */
export interface BundleSource {
  id: number;
  x: number;
  y: number;
  /** Used to choose the brightest `maxSources`. */
  flux: number;
}

/** What goes into a bundle. */
export interface BundleOptions {
  image: Image;
  /** Name of the measured frame, for captions and the manifest. */
  imageName: string;
  /** The catalog file already written; stored in the bundle under its own name. */
  catalogPath: string;
  sources: readonly BundleSource[];
  /** Sources shown, the brightest by `flux` [10]. */
  maxSources?: number;
  /** The photometry aperture drawn and marked on the plots, px. */
  apertureRadiusPx: number;
  /** Background annulus drawn on the previews, px [none]. */
  annulusPx?: [number, number];
  /** Typical FWHM, px, to size the profiles (out to max(8, 4 FWHM, 1.5 aperture, annulus)) [3]. */
  fwhmPx?: number;
  /** Extra manifest fields (tool version, settings). */
  manifest?: Record<string, unknown>;
}

/** Pixels of the preview per image pixel. */
const PREVIEW_SCALE = 8;

/**
 * Writes the bundle to `path` (atomically) and lists what it holds. Profiles are measured on the
 * frame minus the SExtractor-style background at each source (one value per source, recorded in the
 * CSVs), the curve of growth with exact pixel overlap every 0.5 px.
 */
export async function writeBundle(path: string, o: BundleOptions): Promise<{ files: string[]; shown: number[] }> {
  const fwhm = o.fwhmPx !== undefined && o.fwhmPx > 0 ? o.fwhmPx : 3;
  const maxRadius = Math.ceil(Math.max(8, 4 * fwhm, 1.5 * o.apertureRadiusPx, o.annulusPx?.[1] ?? 0));
  const shown = [...o.sources]
    .filter((s) => Number.isFinite(s.x) && Number.isFinite(s.y))
    .sort((a, b) => (Number.isNaN(b.flux) ? -1 : b.flux) - (Number.isNaN(a.flux) ? -1 : a.flux) || a.id - b.id)
    .slice(0, o.maxSources ?? 10)
    .sort((a, b) => a.id - b.id);
  const evaluator = createBackgroundEvaluator(buildBackgroundModel(o.image));
  const entries: ZipEntry[] = [{ name: basename(o.catalogPath), data: await readFile(o.catalogPath) }];
  const radialRows = ['id,x,y,background_adu,radius_px,mean_adu,std_adu,npix'];
  const growthRows = ['id,x,y,background_adu,radius_px,flux_adu,fraction'];
  const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(12))) : 'nan');
  const radii = Array.from({ length: maxRadius * 2 }, (_, i) => 0.5 * (i + 1));
  for (const s of shown) {
    const tag = `source_${String(s.id).padStart(4, '0')}`;
    const bkg = evaluator.at(s.x, s.y).background;
    const profile = radialProfile(o.image, s.x, s.y, maxRadius, 1, bkg);
    const growth = curveOfGrowth(o.image, s.x, s.y, radii, bkg);
    const head = `${s.id},${num(s.x)},${num(s.y)},${num(bkg)}`;
    for (let b = 0; b < profile.radiusPx.length; b++)
      radialRows.push(
        `${head},${num(profile.radiusPx[b])},${num(profile.mean[b])},${num(profile.std[b])},${profile.count[b]}`,
      );
    for (let r = 0; r < radii.length; r++)
      growthRows.push(`${head},${num(radii[r])},${num(growth.fluxAdu[r])},${num(growth.fraction[r])}`);
    const caption = `${o.imageName} #${s.id} (${s.x.toFixed(1)}, ${s.y.toFixed(1)})`;
    const short = `#${s.id} (${s.x.toFixed(1)}, ${s.y.toFixed(1)})`;
    entries.push({ name: `previews/${tag}.png`, data: await previewPng(o, s, maxRadius, short) });
    const apertureMarker = [{ x: o.apertureRadiusPx, label: `aperture r = ${o.apertureRadiusPx.toFixed(2)} px` }];
    entries.push({
      name: `plots/${tag}_radial_profile.png`,
      data: await svgToPng(
        linePlotSvg({
          title: `Radial profile, ${caption}`,
          xLabel: 'radius (px)',
          yLabel: 'mean pixel − background (ADU)',
          series: [{ x: profile.radiusPx, y: profile.mean, label: 'mean', markers: true }],
          markers: apertureMarker,
        }),
      ),
    });
    entries.push({
      name: `plots/${tag}_curve_of_growth.png`,
      data: await svgToPng(
        linePlotSvg({
          title: `Curve of growth, ${caption}`,
          xLabel: 'aperture radius (px)',
          yLabel: `enclosed flux / flux at ${maxRadius} px`,
          series: [{ x: radii, y: growth.fraction, label: 'fraction' }],
          markers: apertureMarker,
        }),
      ),
    });
  }
  entries.push({ name: 'radial_profiles.csv', data: Buffer.from(`${radialRows.join('\n')}\n`) });
  entries.push({ name: 'curves_of_growth.csv', data: Buffer.from(`${growthRows.join('\n')}\n`) });
  const manifest = {
    image: o.imageName,
    catalog: basename(o.catalogPath),
    created: new Date().toISOString(),
    sources: shown.map((s) => s.id),
    apertureRadiusPx: o.apertureRadiusPx,
    annulusPx: o.annulusPx ?? null,
    profileMaxRadiusPx: maxRadius,
    conventions: '0-based pixel centres; profiles and curves of growth on the frame minus background_adu',
    ...o.manifest,
    files: [...entries.map((e) => e.name), 'manifest.json'],
  };
  entries.push({ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  await writeFileAtomic(path, zipArchive(entries));
  return { files: manifest.files, shown: manifest.sources };
}

/** The stamp around `s` (10th percentile to peak, asinh), scaled up, with the aperture and annulus drawn. */
async function previewPng(o: BundleOptions, s: BundleSource, half: number, caption: string): Promise<Buffer> {
  const { image } = o;
  const cx = Math.round(s.x);
  const cy = Math.round(s.y);
  const x0 = cx - half;
  const y0 = cy - half;
  const size = 2 * half + 1;
  const data = new Float32Array(size * size).fill(Number.NaN);
  for (let y = 0; y < size; y++) {
    const yy = y0 + y;
    if (yy < 0 || yy >= image.height) continue;
    for (let x = 0; x < size; x++) {
      const xx = x0 + x;
      if (xx >= 0 && xx < image.width) data[y * size + x] = image.data[yy * image.width + xx];
    }
  }
  // From the sky to the peak, asinh-stretched: the core and the wings both show.
  const { pixels } = renderGrey(
    { width: size, height: size, data },
    { limits: { kind: 'percentile', lower: 10, upper: 100 }, stretch: 'asinh' },
  );
  const stamp = await greyPng(pixels, size, size);
  const circles: StampCircle[] = [{ x: s.x - x0, y: s.y - y0, radiusPx: o.apertureRadiusPx, color: '#00d000' }];
  if (o.annulusPx) {
    for (const r of o.annulusPx)
      circles.push({ x: s.x - x0, y: s.y - y0, radiusPx: r, color: '#ff8000', dashed: true });
  }
  return svgToPng(
    stampSvg({
      pngDataUri: `data:image/png;base64,${stamp.toString('base64')}`,
      widthPx: size,
      heightPx: size,
      scale: PREVIEW_SCALE,
      circles,
      caption,
    }),
  );
}
