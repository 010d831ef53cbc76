import { FormControlLabel, Switch, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SkyWcs } from '../../../../src-workers/core/wcs/index.js';
import { useInvoke } from '../../../api/hooks.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import { imageToScreen } from '../view-transform.js';
import type { OverlayPainter } from './painters.js';

/** Screen radius of a catalog star's circle, and how near (screen px) the cursor must be to name it. */
const CIRCLE_PX = 9;
const HOVER_PX = 10;
/** Stars listed in the hidden test element (the overlay draws all of them). */
const LISTED = 300;

/** A catalog star where the frame's WCS puts it (0-based pixel centres). */
export interface ProjectedStar {
  raDeg: number;
  decDeg: number;
  mag: number;
  x: number;
  y: number;
}

export interface CatalogStarsOverlay {
  /** `painters` with the catalog overlay's painter after them, when it is on. */
  painters: OverlayPainter[];
  /** The switch, a line naming the star under the cursor, and the catalog's note. */
  control: ReactNode;
  /** Cursor position in image pixels (from the stage's hover). */
  onHover: (x: number, y: number) => void;
}

const fmt = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/**
 * The catalog-star overlay (A): the star catalog's stars on the frame (`owb:frames.catalogStars`: Tycho-2
 * from the astrometry.net index files, brightest first) projected through the frame's WCS, the same one the
 * RA/Dec readout uses (its plate solution when the `solve` step found one), drawn as circles; the star
 * under the cursor is labelled with its magnitude (V_T).
 */
export function useCatalogStars({
  frameId,
  wcs,
  painters,
}: {
  frameId: number | null;
  wcs: SkyWcs | null;
  painters: readonly OverlayPainter[];
}): CatalogStarsOverlay {
  const theme = useTheme();
  const [on, setOn] = useViewState('viewer.catalogStars', false);
  const answer = useInvoke('owb:frames.catalogStars', on && frameId !== null && wcs ? { frameId } : null);
  const catalog = on && wcs ? answer.data : undefined;
  const stars = useMemo<ProjectedStar[]>(() => {
    if (!catalog || !wcs) return [];
    const { x, y } = wcs.skyToPixels(catalog.raDeg, catalog.decDeg);
    const out: ProjectedStar[] = [];
    for (let i = 0; i < x.length; i++)
      if (Number.isFinite(x[i]) && Number.isFinite(y[i]))
        out.push({ raDeg: catalog.raDeg[i], decDeg: catalog.decDeg[i], mag: catalog.mag[i], x: x[i], y: y[i] });
    return out;
  }, [catalog, wcs]);
  const [hovered, setHovered] = useState<ProjectedStar | null>(null);
  // The zoom of the last drawing, so that "near the cursor" is measured on the screen.
  const zoom = useRef(1);
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'a') return false;
    setOn((v) => !v);
    return true;
  });
  const onHover = useCallback(
    (x: number, y: number) => {
      let best: ProjectedStar | null = null;
      let bestD = HOVER_PX / zoom.current;
      for (const s of stars) {
        const d = Math.hypot(s.x - x, s.y - y);
        if (d <= bestD) {
          best = s;
          bestD = d;
        }
      }
      setHovered((h) => (h === best ? h : best));
    },
    [stars],
  );
  const colour = theme.palette.secondary.main;
  const magName = catalog?.magName === 'MAG_VT' ? 'V_T' : (catalog?.magName ?? 'mag');
  const painter = useMemo<OverlayPainter | null>(() => {
    if (!stars.length) return null;
    return (ctx, t) => {
      zoom.current = t.zoom;
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const s of stars) {
        const [sx, sy] = imageToScreen(t, s.x, s.y);
        ctx.moveTo(sx + CIRCLE_PX, sy);
        ctx.arc(sx, sy, CIRCLE_PX, 0, Math.PI * 2);
      }
      ctx.stroke();
      if (hovered) {
        const [sx, sy] = imageToScreen(t, hovered.x, hovered.y);
        const text = `${magName} ${fmt(hovered.mag, 2)}`;
        ctx.font = '12px monospace';
        const w = ctx.measureText(text).width;
        ctx.fillStyle = 'rgba(0,0,0,0.7)';
        ctx.fillRect(sx + CIRCLE_PX + 2, sy - CIRCLE_PX - 15, w + 6, 16);
        ctx.fillStyle = colour;
        ctx.fillText(text, sx + CIRCLE_PX + 5, sy - CIRCLE_PX - 3);
      }
      ctx.restore();
    };
  }, [stars, hovered, colour, magName]);
  const withOverlay = useMemo(() => (painter ? [...painters, painter] : [...painters]), [painters, painter]);
  const note = !on
    ? null
    : !wcs
      ? 'no WCS: nothing to project'
      : answer.error
        ? answer.error.message
        : catalog?.reason
          ? catalog.reason
          : catalog
            ? `${stars.length}${catalog.total > stars.length ? ` brightest of ${catalog.total}` : ''} stars of ${catalog.source}`
            : 'loading the catalog…';
  const control = (
    <>
      <FormControlLabel
        control={
          <Switch
            checked={on}
            disabled={!wcs}
            onChange={(e) => setOn(e.target.checked)}
            slotProps={{ input: { 'aria-label': 'Catalog stars (A)' } }}
          />
        }
        label="Catalog stars (A)"
        title={wcs ? 'Tycho-2 stars of the index files, through the frame’s WCS' : 'This frame has no celestial WCS'}
      />
      {note && (
        <Typography variant="caption" color="text.secondary" data-testid="catalog-stars-note">
          {note}
        </Typography>
      )}
      {on && hovered && (
        <Typography variant="caption" sx={{ fontFamily: 'monospace', ml: 1 }} data-testid="catalog-star-hover">
          {`${magName} ${fmt(hovered.mag, 2)} · RA ${fmt(hovered.raDeg, 5)}° Dec ${fmt(hovered.decDeg, 5)}°`}
        </Typography>
      )}
      {on && catalog && (
        <span
          data-testid="catalog-stars"
          data-count={stars.length}
          data-total={catalog.total}
          data-source={catalog.source ?? ''}
          data-circle-px={CIRCLE_PX}
          data-stars={JSON.stringify(stars.slice(0, LISTED))}
          style={{ display: 'none' }}
        />
      )}
    </>
  );
  return { painters: withOverlay, control, onHover };
}
