/**
 * Overlay painters of the viewer: each draws one overlay in screen space on the stage's canvas, given the
 * view transform. ImageStage calls them after its own overlays, so new overlays need no edit there.
 */
import type { ContourLevel, WcsGrid } from '../../../../src-workers/core/viewer/index.js';
import { imageToScreen, type ViewTransform } from '../view-transform.js';

export type OverlayPainter = (ctx: CanvasRenderingContext2D, t: ViewTransform) => void;

/** Clips to the image's outer pixel edges, so lines stop at the frame as in DS9. */
function clipToImage(ctx: CanvasRenderingContext2D, t: ViewTransform, widthPx: number, heightPx: number): void {
  // Opposite outer corners: a turn or flip may put either one top left.
  const [x0, y0] = imageToScreen(t, -0.5, -0.5);
  const [x1, y1] = imageToScreen(t, widthPx - 0.5, heightPx - 0.5);
  ctx.beginPath();
  ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
  ctx.clip();
}

/** The screen point of a polyline set furthest to the left or to the bottom of the view. */
function labelAnchor(t: ViewTransform, segments: number[][], side: 'left' | 'bottom'): [number, number] {
  let best: [number, number] = [Number.NaN, Number.NaN];
  let score = -Infinity;
  for (const seg of segments)
    for (let i = 0; i < seg.length; i += 2) {
      const p = imageToScreen(t, seg[i], seg[i + 1]);
      const s = side === 'left' ? -p[0] : p[1];
      if (s > score) {
        score = s;
        best = p;
      }
    }
  return best;
}

/** True when a polyline set spans more screen width than height. */
function runsAcross(t: ViewTransform, segments: number[][]): boolean {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const seg of segments)
    for (let i = 0; i < seg.length; i += 2) {
      const [sx, sy] = imageToScreen(t, seg[i], seg[i + 1]);
      [x0, x1, y0, y1] = [Math.min(x0, sx), Math.max(x1, sx), Math.min(y0, sy), Math.max(y1, sy)];
    }
  return x1 - x0 >= y1 - y0;
}

/** The RA/Dec grid: lines in `colour`, each labelled where its first segment enters the frame. */
export function gridPainter(grid: WcsGrid, widthPx: number, heightPx: number, colour: string): OverlayPainter {
  return (ctx, t) => {
    ctx.save();
    clipToImage(ctx, t, widthPx, heightPx);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    for (const line of grid.lines)
      for (const seg of line.segments) {
        const [sx, sy] = imageToScreen(t, seg[0], seg[1]);
        ctx.moveTo(sx, sy);
        for (let i = 2; i < seg.length; i += 2) ctx.lineTo(...imageToScreen(t, seg[i], seg[i + 1]));
      }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.font = '12px monospace';
    ctx.textBaseline = 'bottom';
    for (const line of grid.lines) {
      // Lines running across the screen are labelled at their leftmost point, lines running up it at their
      // lowest, as DS9 does (parallels and meridians unturned; the other way round after a quarter turn).
      const across = runsAcross(t, line.segments);
      const [sx, sy] = labelAnchor(t, line.segments, across ? 'left' : 'bottom');
      const w = ctx.measureText(line.label).width;
      const x = across ? sx + 3 : sx - w / 2;
      const y = across ? sy - 2 : sy - 3;
      ctx.fillStyle = 'rgba(0,0,0,0.65)';
      ctx.fillRect(x - 2, y - 14, w + 4, 15);
      ctx.fillStyle = colour;
      ctx.fillText(line.label, x, y);
    }
    ctx.restore();
  };
}

/**
 * Contours: segments in image pixels of a raster binned by `binning` (a binned pixel i has its centre at
 * full-resolution (i + 0.5)·binning − 0.5), each level a little brighter than the one below.
 */
export function contourPainter(levels: readonly ContourLevel[], binning: number, colour: string): OverlayPainter {
  return (ctx, t) => {
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    levels.forEach((lv, k) => {
      ctx.globalAlpha = 0.55 + (0.45 * (k + 1)) / levels.length;
      ctx.beginPath();
      const s = lv.segments;
      const full = (v: number): number => (v + 0.5) * binning - 0.5;
      for (let i = 0; i + 3 < s.length; i += 4) {
        ctx.moveTo(...imageToScreen(t, full(s[i]), full(s[i + 1])));
        ctx.lineTo(...imageToScreen(t, full(s[i + 2]), full(s[i + 3])));
      }
      ctx.stroke();
    });
    ctx.restore();
  };
}
