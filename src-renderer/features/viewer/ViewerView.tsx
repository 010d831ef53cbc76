import { Alert, Box, Divider, LinearProgress, MenuItem, TextField, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { parseCelestialWcs, recordSource, type SkyWcs } from '../../../src-workers/core/wcs/index.js';
import { useInvoke } from '../../api/hooks.js';
import { navigate } from '../../app/route.js';
import { useKeyboard } from '../../app/shortcuts.js';
import { useViewState } from '../../app/view-state.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { COLORMAPS, STRETCHES } from '../../components/display/index.js';
import { Plot } from '../../components/Plot.js';
import { compassAt } from './compass.js';
import { CoordinatesNote } from './CoordinatesNote.js';
import { CursorInspector } from './CursorInspector.js';
import { followByWcs, FRAME_LOCKS, type FrameLock } from './frame-lock.js';
import { HeaderPanel } from './HeaderPanel.js';
import { useImageSelection } from './ImageSelector.js';
import { LevelsHistogram } from './LevelsHistogram.js';
import { useCatalogStars } from './overlays/useCatalogStars.js';
import { useOrientation } from './OrientationControls.js';
import { useInteractiveAperture } from './overlays/useInteractiveAperture.js';
import { useViewerTools } from './overlays/useViewerTools.js';
import { ImageStage, type Aperture } from './ImageStage.js';
import type { ViewTransform } from './view-transform.js';
import { profileKind, starProfile, type StarProfile } from './profile.js';
import { Readout, type ReadoutValue } from './Readout.js';
import { parseDs9Regions, type Region } from './regions.js';
import { Toolbar } from './Toolbar.js';
import { SendFrameTo } from '../../components/SendFrameTo.js';
import { useDisplay } from './useDisplay.js';
import { useRgbComposite } from './useRgbComposite.js';

/** What the clicked object is: a star with its FWHM, or a saturated or extended object, which is not "a star". */
function ProfileCaption({ profile, frameFwhmPx }: { profile: StarProfile; frameFwhmPx?: number | null }): ReactNode {
  const kind = profileKind(profile, frameFwhmPx);
  const at = `at ${profile.x.toFixed(2)}, ${profile.y.toFixed(2)} · bkg ${profile.background.toFixed(1)}`;
  return (
    <Typography variant="caption" color="text.secondary" data-profile-kind={kind}>
      {kind === 'saturated'
        ? `Saturated object ${at} · peak ${profile.peak.toPrecision(6)} ADU, flat-topped: FWHM not measured`
        : kind === 'extended'
          ? `Extended object ${at} · profile FWHM ${profile.fwhmPx?.toFixed(2)} px, wider than the frame's stars (${frameFwhmPx?.toFixed(2)} px)`
          : `Star ${at} · FWHM ${profile.fwhmPx?.toFixed(2) ?? '—'} px`}
    </Typography>
  );
}

/** The frame viewer: stretch and colour controls, overlays, pixel readout with RA/Dec, header, blink, star profiles. */
export function ViewerView({
  frameId,
  focus = null,
}: {
  frameId: number | null;
  focus?: { x: number; y: number } | null;
}): ReactNode {
  const theme = useTheme();
  const night = theme.palette.background.default === '#000000';
  const frames = useInvoke('owb:frames.list', {});
  const currentId = frameId ?? frames.data?.[0]?.id ?? null;
  const [blinkId, setBlinkId] = useViewState<number | null>('viewer.blinkId', null);
  const [blinking, setBlinking] = useState(false);
  const shownId = blinking && blinkId !== null ? blinkId : currentId;
  // The main frame's detail lists its image HDUs; the HDU and plane picked apply to it (a blinked frame
  // shows its first image).
  const [hduPick, setHduPick] = useState<{ frameId: number | null; hdu: number | undefined }>({
    frameId: null,
    hdu: undefined,
  });
  const mainDetail = useInvoke(
    'owb:frames.get',
    currentId === null ? null : { frameId: currentId, hdu: hduPick.frameId === currentId ? hduPick.hdu : undefined },
  );
  const blinkDetail = useInvoke('owb:frames.get', blinking && blinkId !== null ? { frameId: blinkId } : null);
  const detail = blinking && blinkId !== null ? blinkDetail : mainDetail;
  const image = useImageSelection(
    currentId,
    mainDetail.data?.frame.id === currentId ? mainDetail.data.images : undefined,
  );
  useEffect(() => setHduPick({ frameId: currentId, hdu: image.hdu }), [currentId, image.hdu]);
  const pick = { hdu: image.hdu, plane: image.plane || undefined };
  // Both frames of a blink pair stay loaded (and their rendered rasters cached by ImageStage), so a blink
  // is a redraw, not a reload. The pair is shown with the main frame's display settings.
  // A large frame first arrives block-averaged to about screen size (a 4096² frame as 1024², 1/16 of the
  // bytes), which is what the fitted view shows anyway; full resolution follows for zooming and readout.
  const frameRow = frames.data?.find((f) => f.id === currentId);
  // The size of the image shown: an extension may differ from the frame's first image.
  const widthPx = image.info?.width ?? frameRow?.width ?? 0;
  const heightPx = image.info?.height ?? frameRow?.height ?? 0;
  const previewBinning = widthPx && heightPx ? Math.floor(Math.max(widthPx, heightPx) / 1024) : 1;
  const preview = useInvoke(
    'owb:frames.pixels',
    currentId !== null && previewBinning > 1 ? { frameId: currentId, binning: previewBinning, ...pick } : null,
  );
  // Full resolution is asked for once the preview is on screen, so its 64 MiB do not queue ahead of it.
  const full = useInvoke(
    'owb:frames.pixels',
    currentId !== null && frameRow && (previewBinning <= 1 || preview.data || preview.error)
      ? { frameId: currentId, ...pick }
      : null,
  );
  const mainPixels = full.data ? full : preview.data ? preview : full;
  const blinkPixels = useInvoke('owb:frames.pixels', blinkId === null ? null : { frameId: blinkId });
  const pixels = blinking && blinkPixels.data ? blinkPixels : mainPixels;
  // Detections are of the frame's first image: another HDU does not show them.
  const sources = useInvoke('owb:frames.sources', shownId === null || !image.isDefault ? null : { frameId: shownId });
  const { controls, setControls, settings, sample, auto } = useDisplay(mainPixels.data, night);
  const [autoBlink, setAutoBlink] = useState(false);
  useEffect(() => {
    if (!autoBlink || blinkId === null) return;
    const timer = setInterval(() => setBlinking((b) => !b), 700);
    return () => clearInterval(timer);
  }, [autoBlink, blinkId]);
  const [overlays, setOverlays] = useViewState('viewer.overlays', true);
  const [fitNonce, setFitNonce] = useState(0);
  const [oneToOneNonce, setOneToOneNonce] = useState(0);
  const [regions, setRegions] = useState<{ regions: Region[]; skipped: number }>({ regions: [], skipped: 0 });
  const [readout, setReadout] = useState<ReadoutValue | null>(null);
  const [profile, setProfile] = useState<StarProfile | null>(null);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const orientation = useOrientation();

  const wcs = useMemo(() => {
    if (!detail.data) return null;
    const record: Record<string, unknown> = {};
    for (const c of detail.data.header) record[c.key] = c.value;
    try {
      const parsed = parseCelestialWcs(recordSource(record));
      return 'wcs' in parsed ? parsed.wcs : null;
    } catch {
      return null;
    }
  }, [detail.data]);

  // Frame lock: the frame shown (once its detail, with its WCS, is here) and the WCS of the one before it.
  const [lock, setLock] = useViewState<FrameLock>('viewer.lock', 'none');
  const viewKey = detail.data && detail.data.frame.id === shownId ? shownId : null;
  const lockWcs = useRef<{ key: number | null; wcs: SkyWcs | null; previous: SkyWcs | null }>({
    key: null,
    wcs: null,
    previous: null,
  });
  if (viewKey !== null && lockWcs.current.key !== viewKey)
    lockWcs.current = { key: viewKey, wcs, previous: lockWcs.current.wcs };
  const follow = useMemo(
    () =>
      lock === 'pixels'
        ? (t: ViewTransform) => t
        : lock === 'wcs'
          ? (t: ViewTransform, cw: number, ch: number) => {
              const { wcs: to, previous: from } = lockWcs.current;
              return from && to ? followByWcs(t, from, to, cw, ch) : null;
            }
          : null,
    [lock],
  );

  // A new frame starts without the last frame's star and cursor values (they described other pixels).
  useEffect(() => {
    setProfile(null);
    setReadout(null);
  }, [currentId]);
  const compass = useMemo(
    () => (wcs && widthPx && heightPx ? compassAt(wcs, (widthPx - 1) / 2, (heightPx - 1) / 2) : null),
    [wcs, widthPx, heightPx],
  );

  const rgbComposite = useRgbComposite({
    frames: frames.data ?? [],
    reference: blinking ? undefined : mainPixels.data,
    referenceWcs: blinking ? null : wcs,
    referenceId: currentId,
  });

  const tools = useViewerTools({
    frameId: currentId,
    wcs,
    widthPx,
    heightPx,
    contourPixels: preview.data ?? mainPixels.data,
    limits: auto,
    loadedRegions: regions.regions,
  });
  const catalogStars = useCatalogStars({ frameId: shownId, wcs, painters: tools.painters });

  const onHover = useCallback(
    (x: number, y: number) => {
      const p = pixels.data;
      if (!p) return;
      // (x, y) are full-resolution pixel coordinates; a binned preview holds the block average there.
      const ix = Math.floor((x + 0.5) / p.binning);
      const iy = Math.floor((y + 0.5) / p.binning);
      const inside = ix >= 0 && iy >= 0 && ix < p.width && iy < p.height;
      // The WCS is defined beyond the frame's edge too: the sky position is shown wherever the cursor is.
      const sky = wcs ? wcs.pixelToSky(x, y) : null;
      const finite = sky !== null && Number.isFinite(sky[0]) && Number.isFinite(sky[1]);
      setReadout({
        x,
        y,
        inside,
        hasWcs: wcs !== null,
        value: inside ? p.data[iy * p.width + ix] : null,
        raDeg: finite ? sky[0] : null,
        decDeg: finite ? sky[1] : null,
      });
    },
    [pixels.data, wcs],
  );
  const saturationAdu = useMemo(() => {
    const card = detail.data?.header.find((c) => c.key === 'SATURATE');
    const level = typeof card?.value === 'number' ? card.value : Number(card?.value);
    return Number.isFinite(level) && level > 0 ? level : null;
  }, [detail.data]);
  const onPick = useCallback(
    (x: number, y: number) =>
      pixels.data?.binning === 1 && setProfile(starProfile(pixels.data, x, y, 12, saturationAdu)),
    [pixels.data, saturationAdu],
  );
  const onRendered = useCallback((ms: number) => setRenderMs(ms), []);

  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const k = e.key.toLowerCase();
    if (k === 'f') setFitNonce((n) => n + 1);
    else if (k === '1') setOneToOneNonce((n) => n + 1);
    else if (k === 'b' && blinkId !== null) setBlinking((b) => !b);
    else if (k === 'o') setOverlays((o) => !o);
    else if (k === 'l') setLock((l) => FRAME_LOCKS[(FRAME_LOCKS.indexOf(l) + 1) % FRAME_LOCKS.length]);
    else if (k === 'i') setControls({ invert: !controls.invert });
    else if (k === 's')
      setControls({ stretch: STRETCHES[(STRETCHES.indexOf(controls.stretch) + 1) % STRETCHES.length] });
    else if (k === 'c')
      setControls({ colormap: COLORMAPS[(COLORMAPS.indexOf(controls.colormap) + 1) % COLORMAPS.length] });
    else return false;
    return true;
  });

  const gain = detail.data?.header.find((c) => c.key === 'GAIN')?.value;
  const interactive = useInteractiveAperture(
    profile ? { x: profile.x, y: profile.y, fwhmPx: profile.fwhmPx } : null,
    mainPixels.data,
    typeof gain === 'number' && gain > 0 ? gain : null,
  );
  const aperture: Aperture | null = interactive.aperture;
  const shownName = frames.data?.find((f) => f.id === shownId)?.fileName;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Toolbar
        frames={frames.data ?? []}
        frameId={currentId}
        onFrame={(id) => navigate('viewer', { frame: id })}
        blinkId={blinkId}
        onBlinkFrame={(id) => {
          setBlinkId(id);
          setBlinking(false);
          if (id === null) setAutoBlink(false);
        }}
        autoBlink={autoBlink}
        onAutoBlink={setAutoBlink}
        controls={controls}
        onControls={setControls}
        limits={auto}
        overlays={overlays}
        onOverlays={setOverlays}
        onFit={() => setFitNonce((n) => n + 1)}
        onOneToOne={() => setOneToOneNonce((n) => n + 1)}
        onRegions={(text) => setRegions(parseDs9Regions(text))}
        night={night}
      />
      {tools.bar}
      <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center' }}>
          {orientation.controls}
          <TextField
            select
            size="small"
            label="Lock (L)"
            value={lock}
            onChange={(e) => setLock(e.target.value as FrameLock)}
            title="How the view follows to the next frame and in blink: not at all, by pixels, or by sky position (WCS)"
            sx={{ width: 110 }}
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'lock-select' } as object } }}
          >
            {FRAME_LOCKS.map((l) => (
              <MenuItem key={l} value={l}>
                {l === 'wcs' ? 'WCS' : l}
              </MenuItem>
            ))}
          </TextField>
          {rgbComposite.controls}
          {image.controls}
        </Box>
        <SendFrameTo frameId={currentId} testId="viewer-send-frame" />
      </Box>
      <ErrorNote error={frames.error ?? pixels.error ?? detail.error} />
      {regions.skipped > 0 && (
        <Alert severity="info">
          {regions.skipped} region lines were not in image coordinates or not a supported shape and are not shown.
        </Alert>
      )}
      {currentId === null && !frames.loading && <Typography color="text.secondary">No frames to show yet.</Typography>}
      <Box sx={{ display: 'flex', flex: 1, minHeight: 0, gap: 1.5 }}>
        <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }}>
          {pixels.loading && <LinearProgress />}
          {pixels.data && settings && (
            <ImageStage
              pixels={pixels.data}
              preview={pixels === mainPixels ? preview.data : null}
              settings={settings}
              sample={sample}
              sources={overlays && image.isDefault ? (sources.data ?? null) : null}
              regions={regions.regions}
              aperture={aperture}
              showOverlays={overlays}
              fitNonce={fitNonce}
              oneToOneNonce={oneToOneNonce}
              compass={compass}
              focus={focus}
              onHover={(x, y) => {
                onHover(x, y);
                catalogStars.onHover(x, y);
              }}
              onPick={(x, y) => tools.onPick(x, y) || onPick(x, y)}
              onRendered={onRendered}
              painters={catalogStars.painters}
              orient={orientation.orient}
              viewKey={viewKey}
              rgb={rgbComposite.rgb}
              onGrab={(x, y, zoom) => tools.onGrab(x, y, zoom) ?? interactive.onGrab(x, y)}
              follow={follow}
            />
          )}
          <Typography variant="caption" color="text.secondary" sx={{ mt: 0.5 }}>
            {shownName ?? ''}
            {image.info && shownId === currentId && (!image.isDefault || image.info.planes > 1)
              ? ` [${image.info.hdu}${image.info.name ? ` ${image.info.name}` : ''}${image.info.planes > 1 ? `, plane ${image.plane + 1}` : ''}]`
              : ''}{' '}
            {pixels.data
              ? `${pixels.data.width * pixels.data.binning}×${pixels.data.height * pixels.data.binning}`
              : ''}
            {pixels.data && pixels.data.binning > 1
              ? ` (preview ${pixels.data.binning}×${pixels.data.binning} binned, full resolution loading…)`
              : ''}{' '}
            · {image.isDefault ? (sources.data?.count ?? 0) : 0} detections
            {blinking ? ' · BLINK' : ''} {renderMs !== null ? `· stretch ${renderMs.toFixed(0)} ms` : ''} · scroll to
            zoom, drag to pan, Shift+drag to zoom to a box, click a star for its profile
          </Typography>
          {/* Below the image: the overlay's note and hover text change, and must not move the canvas. */}
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>{catalogStars.control}</Box>
        </Box>
        <Box sx={{ width: 340, flex: 'none', display: 'flex', flexDirection: 'column', minHeight: 0 }}>
          <Readout value={readout} />
          <CursorInspector
            pixels={pixels.data}
            settings={settings}
            sample={sample}
            at={readout?.inside ? readout : null}
          />
          {sample.length > 0 && (
            <LevelsHistogram
              sample={sample}
              limits={auto}
              onLimits={(manual) => setControls({ limitsMode: 'manual', manual })}
            />
          )}
          {rgbComposite.panel}
          {tools.panel}
          <Divider sx={{ my: 1 }} />
          {profile ? (
            <Box data-testid="profile-panel">
              <ProfileCaption profile={profile} frameFwhmPx={frameRow?.fwhmPx} />
              {interactive.panel}
              <Plot
                width={340}
                height={150}
                xLabel="radius (px)"
                yLabel="ADU above bkg"
                series={[{ x: profile.radiusPx, y: profile.value, mode: 'points' }]}
                title="Radial profile"
              />
              <Plot
                width={340}
                height={150}
                xLabel="radius (px)"
                yLabel="flux (ADU)"
                series={[{ x: profile.cogRadiusPx, y: profile.cogFlux, mode: 'line' }]}
                title="Curve of growth"
              />
            </Box>
          ) : (
            <Typography variant="body2" color="text.secondary">
              Click a star for its radial profile and curve of growth.
            </Typography>
          )}
          <Divider sx={{ my: 1 }} />
          <CoordinatesNote coordinates={detail.data?.coordinates} />
          <Typography variant="subtitle2">Header</Typography>
          <HeaderPanel header={detail.data?.header ?? []} />
        </Box>
      </Box>
    </Box>
  );
}
