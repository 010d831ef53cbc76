import { Box, Button, IconButton, MenuItem, TextField, Typography } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import { drawnRegionsDs9, type DrawnRegion } from '../../../../src-workers/core/viewer/index.js';
import type { SkyWcs } from '../../../../src-workers/core/wcs/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import { saveExport } from '../../../components/Downloads.js';
import { imageToScreen, screenAngleRad } from '../view-transform.js';
import type { OverlayPainter } from './painters.js';

type DrawMode = 'off' | DrawnRegion['shape'];
const MODES: DrawMode[] = ['off', 'circle', 'box', 'point'];
const COLOUR = '#00e5ff';

function regionPainter(regions: readonly DrawnRegion[]): OverlayPainter {
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
      else if (r.shape === 'box') {
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
    ctx.restore();
  };
}

/**
 * Drawing regions on the image: with a shape chosen (R cycles circle, box, point, off), a click places
 * one (circle r 10 px, box 20×20 px); the panel edits sizes, deletes them (Delete removes the last) and
 * saves a DS9 region file in ICRS (with a WCS) or image coordinates.
 */
export function useRegionDrawing(wcs: SkyWcs | null): {
  onPick: (x: number, y: number) => boolean;
  painter: OverlayPainter | null;
  control: ReactNode;
  panel: ReactNode;
} {
  const [mode, setMode] = useViewState<DrawMode>('viewer.drawMode', 'off');
  const [regions, setRegions] = useViewState<DrawnRegion[]>('viewer.drawnRegions', []);
  const [system, setSystem] = useViewState<'icrs' | 'image'>('viewer.regionSystem', 'icrs');
  const sys = wcs ? system : 'image';
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key.toLowerCase() === 'r') setMode((m) => MODES[(MODES.indexOf(m) + 1) % MODES.length]);
    else if (e.key === 'Delete' && regions.length) setRegions((rs) => rs.slice(0, -1));
    else return false;
    return true;
  });
  const onPick = (x: number, y: number): boolean => {
    if (mode === 'off') return false;
    const r: DrawnRegion =
      mode === 'circle'
        ? { shape: 'circle', x, y, r: 10 }
        : mode === 'box'
          ? { shape: 'box', x, y, w: 20, h: 20, angleDeg: 0 }
          : { shape: 'point', x, y };
    setRegions((rs) => [...rs, r]);
    return true;
  };
  const painter = useMemo(() => (regions.length ? regionPainter(regions) : null), [regions]);
  const update = (i: number, patch: Partial<Record<'r' | 'w' | 'h' | 'angleDeg', number>>): void =>
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
  return { onPick, painter, control, panel };
}
