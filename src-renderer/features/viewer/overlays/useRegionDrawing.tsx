import { Box, Button, IconButton, MenuItem, TextField, Typography } from '@mui/material';
import { useMemo, useState, type ReactNode } from 'react';
import { drawnRegionsDs9, type DrawnRegion } from '../../../../src-workers/core/viewer/index.js';
import type { SkyWcs } from '../../../../src-workers/core/wcs/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import { saveExport } from '../../../components/Downloads.js';
import { imageToScreen, screenAngleRad } from '../view-transform.js';
import type { OverlayPainter } from './painters.js';

type DrawMode = 'off' | DrawnRegion['shape'];
const MODES: DrawMode[] = ['off', 'circle', 'ellipse', 'box', 'polygon', 'point'];
/** R cycles these (as before ellipses and polygons came); E and Q choose an ellipse and a polygon. */
const R_CYCLE: DrawMode[] = ['off', 'circle', 'box', 'point'];
const COLOUR = '#00e5ff';

/** The vertices' mean, where a polygon's label and handle go. */
function polygonCentre(points: readonly number[]): [number, number] {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i + 1 < points.length; i += 2) [sx, sy] = [sx + points[i], sy + points[i + 1]];
  const n = Math.max(1, points.length / 2);
  return [sx / n, sy / n];
}

/** True when image point (x, y) is on region `r` (inside its outline; within 3 px of a point). */
export function hitsRegion(r: DrawnRegion, x: number, y: number): boolean {
  const dx = x - r.x;
  const dy = y - r.y;
  if (r.shape === 'circle') return Math.hypot(dx, dy) <= r.r;
  if (r.shape === 'point') return Math.hypot(dx, dy) <= 3;
  if (r.shape === 'box' || r.shape === 'ellipse') {
    const t = (-r.angleDeg * Math.PI) / 180;
    const u = dx * Math.cos(t) - dy * Math.sin(t);
    const v = dx * Math.sin(t) + dy * Math.cos(t);
    return r.shape === 'box' ? Math.abs(u) <= r.w / 2 && Math.abs(v) <= r.h / 2 : (u / r.a) ** 2 + (v / r.b) ** 2 <= 1;
  }
  // Polygon: even-odd rule.
  let inside = false;
  const p = r.points;
  for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2)
    if (p[i + 1] > y !== p[j + 1] > y && x < ((p[j] - p[i]) * (y - p[i + 1])) / (p[j + 1] - p[i + 1]) + p[i])
      inside = !inside;
  return inside;
}

/** Screen pixels around a polygon vertex where a press grabs that vertex rather than the whole polygon. */
const VERTEX_GRAB_PX = 6;

/** The polygon vertex of `regions` (topmost first) within `radiusPx` image pixels of (x, y): [region, vertex]. */
export function vertexAt(
  regions: readonly DrawnRegion[],
  x: number,
  y: number,
  radiusPx: number,
): [number, number] | null {
  for (let i = regions.length - 1; i >= 0; i--) {
    const r = regions[i];
    if (r.shape !== 'polygon') continue;
    let best = -1;
    let bestD = radiusPx;
    for (let k = 0; k + 1 < r.points.length; k += 2) {
      const d = Math.hypot(r.points[k] - x, r.points[k + 1] - y);
      if (d <= bestD) [best, bestD] = [k / 2, d];
    }
    if (best >= 0) return [i, best];
  }
  return null;
}

/** Polygon `r` with vertex `v` at (x, y) and its label centre updated. */
function withVertex(r: Extract<DrawnRegion, { shape: 'polygon' }>, v: number, x: number, y: number): DrawnRegion {
  const points = r.points.slice();
  [points[2 * v], points[2 * v + 1]] = [x, y];
  const [cx, cy] = polygonCentre(points);
  return { ...r, x: cx, y: cy, points };
}

/** `r` moved by (dx, dy) image pixels. */
function moved(r: DrawnRegion, dx: number, dy: number): DrawnRegion {
  if (r.shape === 'polygon')
    return { ...r, x: r.x + dx, y: r.y + dy, points: r.points.map((v, i) => v + (i % 2 ? dy : dx)) };
  return { ...r, x: r.x + dx, y: r.y + dy };
}

function regionPainter(regions: readonly DrawnRegion[], pending: readonly number[]): OverlayPainter {
  return (ctx, t) => {
    ctx.save();
    ctx.strokeStyle = COLOUR;
    ctx.fillStyle = COLOUR;
    ctx.lineWidth = 1.5;
    ctx.font = '11px sans-serif';
    regions.forEach((r, i) => {
      const [sx, sy] = imageToScreen(t, r.x, r.y);
      ctx.beginPath();
      if (r.shape === 'circle') ctx.arc(sx, sy, r.r * t.zoom, 0, Math.PI * 2);
      else if (r.shape === 'ellipse')
        ctx.ellipse(sx, sy, r.a * t.zoom, r.b * t.zoom, screenAngleRad(t, r.angleDeg), 0, Math.PI * 2);
      else if (r.shape === 'polygon') {
        for (let k = 0; k + 1 < r.points.length; k += 2) {
          const [px, py] = imageToScreen(t, r.points[k], r.points[k + 1]);
          if (k === 0) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
        }
        ctx.closePath();
        // Vertex handles: a press on one drags that vertex alone.
        for (let k = 0; k + 1 < r.points.length; k += 2) {
          const [px, py] = imageToScreen(t, r.points[k], r.points[k + 1]);
          ctx.fillRect(px - 2.5, py - 2.5, 5, 5);
        }
      } else if (r.shape === 'box') {
        // The angle is in the image (from +x towards +y); the view's turn and flips decide the screen's.
        ctx.save();
        ctx.translate(sx, sy);
        ctx.rotate(screenAngleRad(t, r.angleDeg));
        ctx.rect((-r.w * t.zoom) / 2, (-r.h * t.zoom) / 2, r.w * t.zoom, r.h * t.zoom);
        ctx.restore();
      } else {
        ctx.moveTo(sx - 5, sy);
        ctx.lineTo(sx + 5, sy);
        ctx.moveTo(sx, sy - 5);
        ctx.lineTo(sx, sy + 5);
      }
      ctx.stroke();
      ctx.fillText(r.text ?? String(i + 1), sx + 6, sy - 6);
    });
    if (pending.length) {
      // The polygon being drawn: its vertices so far, open (Enter closes it).
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      for (let k = 0; k + 1 < pending.length; k += 2) {
        const [px, py] = imageToScreen(t, pending[k], pending[k + 1]);
        if (k === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
        ctx.fillRect(px - 2, py - 2, 4, 4);
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
  };
}

/**
 * Drawing regions on the image: with a shape chosen (R cycles circle, box, point, off; E ellipse, Q
 * polygon), a click places one (circle r 10 px, ellipse 12×6 px semi-axes, box 20×20 px) or, for a
 * polygon, a vertex (Enter closes it, Escape drops it); while drawing, dragging a region moves it and
 * dragging a polygon's vertex handle moves that vertex alone. The
 * panel edits sizes, deletes them (Delete removes the last) and saves a DS9 region file in ICRS (with a
 * WCS) or image coordinates.
 */
export function useRegionDrawing(wcs: SkyWcs | null): {
  regions: DrawnRegion[];
  onPick: (x: number, y: number) => boolean;
  /**
   * A press on a region while drawing: the handler that drags it (or the polygon vertex within a few screen
   * pixels at `zoom`) to image point (x, y), or null.
   */
  onGrab: (x: number, y: number, zoom?: number) => ((x: number, y: number) => void) | null;
  painter: OverlayPainter | null;
  control: ReactNode;
  panel: ReactNode;
} {
  const [mode, setMode] = useViewState<DrawMode>('viewer.drawMode', 'off');
  const [regions, setRegions] = useViewState<DrawnRegion[]>('viewer.drawnRegions', []);
  const [system, setSystem] = useViewState<'icrs' | 'image'>('viewer.regionSystem', 'icrs');
  const sys = wcs ? system : 'image';
  // Vertices of the polygon being drawn, [x0, y0, x1, y1, …].
  const [pending, setPending] = useState<number[]>([]);
  const closePolygon = (): void => {
    if (pending.length >= 6) {
      const [x, y] = polygonCentre(pending);
      setRegions((rs) => [...rs, { shape: 'polygon', x, y, points: pending }]);
    }
    setPending([]);
  };
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === 'Enter' && pending.length) closePolygon();
    else if (e.key === 'Escape' && pending.length) setPending([]);
    else if (e.key.toLowerCase() === 'r') {
      setPending([]);
      setMode((m) => R_CYCLE[(R_CYCLE.indexOf(m) + 1) % R_CYCLE.length]);
    } else if (e.key.toLowerCase() === 'e') setMode((m) => (m === 'ellipse' ? 'off' : 'ellipse'));
    else if (e.key.toLowerCase() === 'q') {
      setPending([]);
      setMode((m) => (m === 'polygon' ? 'off' : 'polygon'));
    } else if (e.key === 'Delete' && regions.length) setRegions((rs) => rs.slice(0, -1));
    else return false;
    return true;
  });
  const onPick = (x: number, y: number): boolean => {
    if (mode === 'off') return false;
    if (mode === 'polygon') {
      setPending((p) => [...p, x, y]);
      return true;
    }
    const r: DrawnRegion =
      mode === 'circle'
        ? { shape: 'circle', x, y, r: 10 }
        : mode === 'ellipse'
          ? { shape: 'ellipse', x, y, a: 12, b: 6, angleDeg: 0 }
          : mode === 'box'
            ? { shape: 'box', x, y, w: 20, h: 20, angleDeg: 0 }
            : { shape: 'point', x, y };
    setRegions((rs) => [...rs, r]);
    return true;
  };
  const onGrab = (x: number, y: number, zoom = 1): ((x: number, y: number) => void) | null => {
    if (mode === 'off') return null;
    const vertex = vertexAt(regions, x, y, VERTEX_GRAB_PX / zoom);
    if (vertex) {
      const [ri, vi] = vertex;
      const start = regions[ri] as Extract<DrawnRegion, { shape: 'polygon' }>;
      const [vx, vy] = [start.points[2 * vi], start.points[2 * vi + 1]];
      return (nx, ny) =>
        setRegions((rs) => rs.map((r, k) => (k === ri ? withVertex(start, vi, vx + nx - x, vy + ny - y) : r)));
    }
    // The topmost (last drawn) region under the press.
    let i = regions.length - 1;
    while (i >= 0 && !hitsRegion(regions[i], x, y)) i--;
    if (i < 0) return null;
    const start = regions[i];
    return (nx, ny) => setRegions((rs) => rs.map((r, k) => (k === i ? moved(start, nx - x, ny - y) : r)));
  };
  const painter = useMemo(
    () => (regions.length || pending.length ? regionPainter(regions, pending) : null),
    [regions, pending],
  );
  const update = (i: number, patch: Partial<Record<'r' | 'w' | 'h' | 'a' | 'b' | 'angleDeg', number>>): void =>
    setRegions((rs) => rs.map((r, k) => (k === i ? ({ ...r, ...patch } as DrawnRegion) : r)));
  const control = (
    <TextField
      select
      size="small"
      label="Draw (R)"
      value={mode}
      onChange={(e) => setMode(e.target.value as DrawMode)}
      sx={{ width: 110 }}
      slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'draw-mode' } as object } }}
    >
      {MODES.map((m) => (
        <MenuItem key={m} value={m}>
          {m}
        </MenuItem>
      ))}
    </TextField>
  );
  const num = (label: string, value: number, onChange: (v: number) => void, testId: string): ReactNode => (
    <TextField
      size="small"
      type="number"
      label={label}
      value={value}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (Number.isFinite(v) && (label === 'angle' || v > 0)) onChange(v);
      }}
      slotProps={{ htmlInput: { 'data-testid': testId, step: 0.5 } }}
      sx={{ width: 72 }}
    />
  );
  const panel = regions.length ? (
    <Box data-testid="drawn-regions" data-count={regions.length} sx={{ mb: 1 }}>
      <Typography variant="subtitle2">Regions</Typography>
      {regions.map((r, i) => (
        <Box
          key={i}
          data-testid={`region-${i}`}
          data-x={r.x}
          data-y={r.y}
          sx={{ display: 'flex', gap: 0.5, alignItems: 'center', my: 0.5 }}
        >
          <Typography variant="caption" sx={{ width: 110, fontFamily: 'monospace' }}>
            {i + 1} {r.shape} {r.x.toFixed(1)},{r.y.toFixed(1)}
          </Typography>
          {r.shape === 'circle' && num('r px', r.r, (v) => update(i, { r: v }), `region-${i}-r`)}
          {r.shape === 'box' && num('w px', r.w, (v) => update(i, { w: v }), `region-${i}-w`)}
          {r.shape === 'box' && num('h px', r.h, (v) => update(i, { h: v }), `region-${i}-h`)}
          {r.shape === 'box' && num('angle', r.angleDeg, (v) => update(i, { angleDeg: v }), `region-${i}-angle`)}
          {r.shape === 'ellipse' && num('a px', r.a, (v) => update(i, { a: v }), `region-${i}-a`)}
          {r.shape === 'ellipse' && num('b px', r.b, (v) => update(i, { b: v }), `region-${i}-b`)}
          {r.shape === 'ellipse' && num('angle', r.angleDeg, (v) => update(i, { angleDeg: v }), `region-${i}-angle`)}
          {r.shape === 'polygon' && (
            <Typography variant="caption" data-testid={`region-${i}-points`} data-points={JSON.stringify(r.points)}>
              {r.points.length / 2} vertices
            </Typography>
          )}
          <IconButton
            size="small"
            aria-label={`Delete region ${i + 1}`}
            onClick={() => setRegions((rs) => rs.filter((_, k) => k !== i))}
          >
            ×
          </IconButton>
        </Box>
      ))}
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
        <TextField
          select
          size="small"
          label="Coordinates"
          value={sys}
          disabled={!wcs}
          onChange={(e) => setSystem(e.target.value as 'icrs' | 'image')}
          sx={{ width: 150 }}
        >
          <MenuItem value="icrs">ICRS (sky)</MenuItem>
          <MenuItem value="image">image</MenuItem>
        </TextField>
        <Button
          size="small"
          variant="outlined"
          onClick={() =>
            saveExport({
              fileName: 'regions.reg',
              mimeType: 'text/plain',
              text: drawnRegionsDs9(regions, sys, wcs ? (x, y) => wcs.pixelToSky(x, y) : undefined),
            })
          }
        >
          Save .reg
        </Button>
      </Box>
    </Box>
  ) : null;
  return { regions, onPick, onGrab, painter, control, panel };
}
