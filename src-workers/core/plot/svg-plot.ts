/**
 * Small SVG figures for reports and export bundles: line plots with axes, ticks and a legend, and image
 * stamps with aperture overlays. Pure strings (no DOM); a raster library renders them to PNG.
 */

/** One line of a plot. Points with a non-finite x or y are skipped (the line breaks there). */
export interface PlotSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label: string;
  /** CSS colour [a qualitative palette by index]. */
  color?: string;
  /** Draw a dot at each point [false]. */
  markers?: boolean;
}

/** A vertical reference line, e.g. an aperture radius. */
export interface PlotMarker {
  x: number;
  label: string;
  color?: string;
}

/** What `linePlotSvg` draws. */
export interface LinePlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly PlotSeries[];
  markers?: readonly PlotMarker[];
  /** Figure size, px [480 × 320]. */
  width?: number;
  height?: number;
  /** Fixed y range [from the data, with 5 % margins]. */
  yRange?: [number, number];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  return [lo, hi];
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/** A line plot with a frame, ticks, axis labels, a title and a legend, as an SVG document. */
export function linePlotSvg(spec: LinePlotSpec): string {
  const width = spec.width ?? 480;
  const height = spec.height ?? 320;
  const m = { left: 64, right: 16, top: 32, bottom: 48 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xs = spec.series.flatMap((s) => Array.from(s.x)).concat((spec.markers ?? []).map((k) => k.x));
  // Radii and the like start at 0: keep the origin in view.
  const [xa, x1] = extent(xs, [0, 1]);
  const x0 = Math.min(0, xa);
  let [y0, y1] =
    spec.yRange ??
    extent(
      spec.series.flatMap((s) => Array.from(s.y)),
      [0, 1],
    );
  if (!spec.yRange) {
    const pad = 0.05 * (y1 - y0);
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number): number => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of niceTicks(x0, x1)) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const [i, k] of (spec.markers ?? []).entries()) {
    const x = px(k.x).toFixed(1);
    const color = k.color ?? '#777';
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="${color}" stroke-dasharray="4 3"/>`);
    // Half-way down, clear of the legend in the top right corner.
    out.push(`<text x="${Number(x) + 4}" y="${m.top + ph / 2 + 14 * i}" fill="${color}">${escapeXml(k.label)}</text>`);
  }
  for (const [i, s] of spec.series.entries()) {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (let j = 0; j < Math.min(s.x.length, s.y.length); j++) {
      if (!Number.isFinite(s.x[j]) || !Number.isFinite(s.y[j])) {
        pen = false;
        continue;
      }
      const X = px(s.x[j]).toFixed(2);
      const Y = py(s.y[j]).toFixed(2);
      d += `${pen ? 'L' : 'M'}${X} ${Y}`;
      pen = true;
      if (s.markers) dots.push(`<circle cx="${X}" cy="${Y}" r="2.5" fill="${color}"/>`);
    }
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`, ...dots);
    const ly = m.top + 14 + 16 * i;
    out.push(
      `<line x1="${m.left + pw - 110}" x2="${m.left + pw - 90}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${m.left + pw - 86}" y="${ly}">${escapeXml(s.label)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

/** A circle drawn over an image stamp, in the stamp's 0-based pixel coordinates (FITS orientation). */
export interface StampCircle {
  x: number;
  y: number;
  radiusPx: number;
  color: string;
  dashed?: boolean;
}

/**
 * An image stamp (a PNG data URI of `widthPx` × `heightPx` pixels, top row first) scaled by `scale`,
 * with circles at 0-based pixel-centre coordinates whose y axis points up (FITS), and a caption.
 */
export function stampSvg(spec: {
  pngDataUri: string;
  widthPx: number;
  heightPx: number;
  scale: number;
  circles: readonly StampCircle[];
  caption: string;
}): string {
  const w = spec.widthPx * spec.scale;
  const h = spec.heightPx * spec.scale;
  // Pixel (x, y) spans [x − 0.5, x + 0.5]: its centre sits at (x + 0.5) · scale from the left edge.
  const cx = (x: number): string => ((x + 0.5) * spec.scale).toFixed(2);
  const cy = (y: number): string => ((spec.heightPx - 0.5 - y) * spec.scale).toFixed(2);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h + 22}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h + 22}" fill="white"/>`,
    `<image x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" xlink:href="${spec.pngDataUri}"/>`,
  ];
  for (const c of spec.circles) {
    out.push(
      `<circle cx="${cx(c.x)}" cy="${cy(c.y)}" r="${(c.radiusPx * spec.scale).toFixed(2)}" fill="none" stroke="${c.color}" stroke-width="1.5"${c.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
  }
  out.push(`<text x="4" y="${h + 16}">${escapeXml(spec.caption)}</text>`, '</svg>');
  return out.join('\n');
}
