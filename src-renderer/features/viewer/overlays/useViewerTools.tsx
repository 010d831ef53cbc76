import { Box, FormControlLabel, Switch } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMemo, type ReactNode } from 'react';
import { wcsGrid, type WcsGrid } from '../../../../src-workers/core/viewer/index.js';
import type { SkyWcs } from '../../../../src-workers/core/wcs/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import { gridPainter, type OverlayPainter } from './painters.js';
import { useComparisonPicking } from './useComparisonPicking.js';
import { useContours } from './useContours.js';
import { useRegionDrawing } from './useRegionDrawing.js';
import { useRegionMeasure } from './useRegionMeasure.js';
import type { DrawnRegion } from '../../../../src-workers/core/viewer/index.js';
import type { PixelsDto } from '../../../../src-main/common/workbench-dto.js';
import type { Limits } from '../../../components/display/index.js';

/** A vertex half way along a line's first segment (for checks: away from labels and frame edges). */
function middleVertex(l: WcsGrid['lines'][number]): Record<string, number | string> {
  const seg = l.segments[0];
  const i = 2 * Math.floor(seg.length / 4);
  return {
    axis: l.axis,
    valueDeg: l.valueDeg,
    x: seg[i],
    y: seg[i + 1],
    ra: l.skySegments[0][i],
    dec: l.skySegments[0][i + 1],
  };
}

export interface ViewerTools {
  painters: OverlayPainter[];
  /** The tools' switches, for a row under the viewer's toolbar. */
  bar: ReactNode;
  grid: WcsGrid | null;
  /** The side panel of the tools that have one (ensemble photometry). */
  panel: ReactNode;
  /** Clicks on the image go here first; true when a tool took the click. */
  onPick: (x: number, y: number) => boolean;
  /** A press on the image: a handler that drags what is under it (a region), or null to pan. */
  onGrab: (x: number, y: number, zoom?: number) => ((x: number, y: number) => void) | null;
}

/**
 * The viewer's analysis overlays beyond detections and regions: the RA/Dec grid (G), contours (K), region
 * drawing (R) and target/comparison picking (P). Each tool is a
 * switch with a key; its computation is a pure core/viewer function, its drawing a painter.
 */
export function useViewerTools({
  frameId,
  wcs,
  widthPx,
  heightPx,
  contourPixels,
  limits,
  loadedRegions = [],
}: {
  frameId: number | null;
  wcs: SkyWcs | null;
  widthPx: number;
  heightPx: number;
  /** The raster to contour (the preview of a large frame). */
  contourPixels: PixelsDto | undefined;
  /** The display limits: contour levels start at the high one. */
  limits: Limits;
  /** Regions loaded from a DS9 file: measured and masked together with the drawn ones. */
  loadedRegions?: readonly DrawnRegion[];
}): ViewerTools {
  const theme = useTheme();
  const [showGrid, setShowGrid] = useViewState('viewer.grid', false);
  const grid = useMemo(
    () => (showGrid && wcs && widthPx > 0 && heightPx > 0 ? wcsGrid(wcs, widthPx, heightPx) : null),
    [showGrid, wcs, widthPx, heightPx],
  );
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key.toLowerCase() !== 'g') return false;
    setShowGrid((g) => !g);
    return true;
  });
  const gridColour = theme.palette.info.main;
  const comparison = useComparisonPicking(frameId);
  const contours = useContours(contourPixels, limits);
  const drawing = useRegionDrawing(wcs);
  const allRegions = useMemo(() => [...drawing.regions, ...loadedRegions], [drawing.regions, loadedRegions]);
  const measure = useRegionMeasure(frameId, allRegions);
  const painters = useMemo(
    () => [
      ...(contours.painter ? [contours.painter] : []),
      ...(grid ? [gridPainter(grid, widthPx, heightPx, gridColour)] : []),
      ...(drawing.painter ? [drawing.painter] : []),
      ...(measure.painter ? [measure.painter] : []),
      ...comparison.painters,
    ],
    [grid, widthPx, heightPx, gridColour, comparison.painters, contours.painter, drawing.painter, measure.painter],
  );
  const bar = (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 0.5 }}>
      <FormControlLabel
        control={
          <Switch
            checked={showGrid}
            disabled={!wcs}
            onChange={(e) => setShowGrid(e.target.checked)}
            slotProps={{ input: { 'aria-label': 'RA/Dec grid (G)' } }}
          />
        }
        label="Grid (G)"
        title={wcs ? 'RA/Dec grid from the frame’s WCS' : 'This frame has no celestial WCS'}
      />
      {contours.controls}
      {drawing.control}
      {comparison.toggle}
      {grid && (
        <span
          data-testid="wcs-grid"
          data-lines={grid.lines.length}
          data-ra-step-deg={grid.raStepDeg}
          data-dec-step-deg={grid.decStepDeg}
          data-vertices={JSON.stringify(grid.lines.map(middleVertex))}
          style={{ display: 'none' }}
        />
      )}
    </Box>
  );
  const panel = (
    <>
      {drawing.panel}
      {measure.panel}
      {comparison.panel}
    </>
  );
  const onPick = (x: number, y: number): boolean => drawing.onPick(x, y) || comparison.onPick(x, y);
  return { painters, bar, grid, panel, onPick, onGrab: drawing.onGrab };
}
