import type { EnsemblePosition } from '../../../../src-main/common/light-curve-dto.js';
import { imageToScreen } from '../view-transform.js';
import type { OverlayPainter } from './painters.js';

/** Marker colours per role: target yellow, used comparisons cyan, rejected (variable) comparisons red. */
export const ROLE_COLOURS: Record<EnsemblePosition['role'], string> = {
  target: '#ffd54f',
  comp: '#4dd0e1',
  rejected: '#ff6e6e',
};

/**
 * Target and comparison stars as AstroImageJ marks them: a circle per star (radius in image pixels, so it
 * scales with zoom, at least 6 screen px) labelled T, C1, C2, … in the order of `positions`.
 */
export function comparisonPainter(positions: readonly EnsemblePosition[], radiusPx = 8): OverlayPainter {
  return (ctx, t) => {
    ctx.save();
    ctx.lineWidth = 2;
    ctx.font = 'bold 12px sans-serif';
    let c = 0;
    for (const p of positions) {
      const [sx, sy] = imageToScreen(t, p.x, p.y);
      const r = Math.max(6, radiusPx * t.zoom);
      ctx.strokeStyle = ROLE_COLOURS[p.role];
      ctx.setLineDash(p.role === 'rejected' ? [4, 3] : []);
      ctx.beginPath();
      ctx.arc(sx, sy, r, 0, Math.PI * 2);
      ctx.stroke();
      const label = p.role === 'target' ? 'T' : p.role === 'comp' ? `C${++c}` : '×';
      ctx.fillStyle = ROLE_COLOURS[p.role];
      ctx.fillText(label, sx + r * 0.75 + 2, sy - r * 0.75 - 2);
    }
    ctx.restore();
  };
}
