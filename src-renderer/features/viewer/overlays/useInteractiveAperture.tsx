import { Box, Slider, Typography } from '@mui/material';
import { useEffect, useMemo, type ReactNode } from 'react';
import type { PixelsDto } from '../../../../src-main/common/workbench-dto.js';
import { wrapImage } from '../../../../src-workers/core/image/image.js';
import { apertureReadout, type ApertureReadout } from '../../../../src-workers/core/viewer/index.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import type { Aperture } from '../ImageStage.js';

interface Radii {
  r: number;
  ri: number;
  ro: number;
}

/** Defaults for a star of `fwhmPx`: radius 1.5 FWHM (≥ 3 px), sky from r + 4 to r + 10 (≥ 12–18 px). */
function defaultRadii(fwhmPx: number | null): Radii {
  const r = Math.max(3, Math.round(3 * (fwhmPx ?? 4)) / 2);
  const ri = Math.max(12, r + 4);
  return { r, ri, ro: ri + 6 };
}

const fmt = (v: number, digits = 6): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—');

/**
 * The aperture placed on a clicked star, AstroImageJ style: radius and sky annulus set by sliders, by
 * dragging their circles on the image, or [ ] for the radius; photometry recomputed live by core/viewer's `apertureReadout` on the full-resolution
 * pixels. `gainEPerAdu` (the header's GAIN) adds the source's Poisson term to the error.
 */
export function useInteractiveAperture(
  centre: { x: number; y: number; fwhmPx: number | null } | null,
  pixels: PixelsDto | undefined,
  gainEPerAdu: number | null,
): {
  aperture: Aperture | null;
  panel: ReactNode;
  /** A press on one of the three circles: the handler that drags that radius, live; null elsewhere. */
  onGrab: (x: number, y: number) => ((x: number, y: number) => void) | null;
} {
  const [radii, setRadii] = useViewState<Radii>('viewer.apertureRadii', defaultRadii(null));
  const cx = centre?.x;
  const cy = centre?.y;
  const fwhm = centre?.fwhmPx ?? null;
  // A new star gets radii for its own FWHM; dragging the sliders then adjusts them.
  useEffect(() => {
    if (cx !== undefined) setRadii(defaultRadii(fwhm));
  }, [cx, cy, fwhm, setRadii]);
  useKeyboard((e) => {
    if (!centre || e.ctrlKey || e.metaKey || e.altKey || (e.key !== '[' && e.key !== ']')) return false;
    const step = e.key === ']' ? 0.5 : -0.5;
    setRadii((q) => ({ ...q, r: Math.min(q.ri, Math.max(0.5, q.r + step)) }));
    return true;
  });
  const readout: ApertureReadout | null = useMemo(() => {
    if (cx === undefined || cy === undefined || !pixels || pixels.binning !== 1) return null;
    try {
      return apertureReadout(wrapImage(pixels.width, pixels.height, pixels.data), cx, cy, {
        radiusPx: radii.r,
        annulusInnerPx: radii.ri,
        annulusOuterPx: radii.ro,
        gainEPerAdu: gainEPerAdu ?? undefined,
      });
    } catch {
      return null;
    }
  }, [cx, cy, pixels, radii, gainEPerAdu]);
  if (cx === undefined || cy === undefined) return { aperture: null, panel: null, onGrab: () => null };
  const onGrab = (x: number, y: number): ((x: number, y: number) => void) | null => {
    const d = Math.hypot(x - cx, y - cy);
    // The nearest circle within 1.5 px (or 8 % of its radius) of the press.
    const keys = (['r', 'ri', 'ro'] as const).filter((k) => Math.abs(d - radii[k]) <= Math.max(1.5, 0.08 * radii[k]));
    if (keys.length === 0) return null;
    const key = keys.reduce((a, b) => (Math.abs(d - radii[a]) <= Math.abs(d - radii[b]) ? a : b));
    return (nx, ny) =>
      setRadii((q) => {
        const v = Math.min(80, Math.max(0.5, Math.hypot(nx - cx, ny - cy)));
        const next = { ...q, [key]: v };
        // The same order as the sliders keep: r ≤ inner < outer.
        if (key === 'r') next.ri = Math.max(next.ri, next.r);
        if (key !== 'ro') next.ro = Math.max(next.ro, next.ri + 1);
        if (key === 'ro') next.ri = Math.min(next.ri, next.ro - 1);
        if (key === 'ri') next.r = Math.min(next.r, next.ri);
        return next;
      });
  };
  const aperture: Aperture = { x: cx, y: cy, radiusPx: radii.r, annulusPx: [radii.ri, radii.ro] };
  const row = (label: string, text: string): ReactNode => (
    <Box sx={{ display: 'flex', gap: 1 }}>
      <Typography variant="caption" color="text.secondary" sx={{ width: 92 }}>
        {label}
      </Typography>
      <Typography variant="caption" sx={{ fontFamily: 'monospace' }}>
        {text}
      </Typography>
    </Box>
  );
  const slider = (label: string, key: keyof Radii, min: number, max: number): ReactNode => (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
      <Typography variant="caption" noWrap sx={{ width: 112, flex: 'none' }}>
        {label} {radii[key].toFixed(1)} px
      </Typography>
      <Slider
        size="small"
        min={min}
        max={max}
        step={0.5}
        value={radii[key]}
        onChange={(_, v) =>
          setRadii((q) => {
            const next = { ...q, [key]: v as number };
            // Keep r ≤ inner < outer while one handle is dragged.
            if (key === 'r') next.ri = Math.max(next.ri, next.r);
            if (key !== 'ro') next.ro = Math.max(next.ro, next.ri + 1);
            if (key === 'ro') next.ri = Math.min(next.ri, next.ro - 1);
            return next;
          })
        }
        slotProps={{ input: { 'aria-label': `${label} (px)` } }}
        sx={{ flex: 1 }}
      />
    </Box>
  );
  const panel = (
    <Box
      data-testid="aperture-panel"
      data-x={cx}
      data-y={cy}
      data-radius={radii.r}
      data-annulus-inner={radii.ri}
      data-annulus-outer={radii.ro}
      data-raw-sum={readout?.rawSum}
      data-sky={readout?.skyAdu}
      data-net-flux={readout?.netFlux}
    >
      <Typography variant="subtitle2">Aperture photometry</Typography>
      {slider('Radius', 'r', 0.5, 30)}
      {slider('Sky inner', 'ri', 1, 60)}
      {slider('Sky outer', 'ro', 2, 80)}
      {readout && (
        <>
          {row('net flux', `${fmt(readout.netFlux)} ± ${fmt(readout.netFluxErr, 3)} ADU`)}
          {row('SNR', fmt(readout.snr, 4))}
          {row('mag (ZP 25)', `${fmt(readout.magInst, 5)} ± ${fmt(readout.magErr, 2)}`)}
          {row('sky / px', `${fmt(readout.skyAdu)} (σ ${fmt(readout.skyStdAdu, 3)}, ${readout.skyCount} px)`)}
          {row('sum, area', `${fmt(readout.rawSum)} ADU, ${fmt(readout.areaPx, 4)} px²`)}
          {readout.incomplete && row('note', 'aperture partly off the frame or on blank pixels')}
        </>
      )}
    </Box>
  );
  return { aperture, panel, onGrab };
}
