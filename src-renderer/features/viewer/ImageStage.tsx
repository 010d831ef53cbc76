import { Box } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { PixelsDto, SourceColumns } from '../../../src-main/common/workbench-dto.js';
import { renderRgba, type DisplaySettings } from '../../components/display/index.js';
import type { CompassDirections } from './compass.js';
import type { OverlayPainter } from './overlays/painters.js';
import { Compass, ZoomBadge } from './StageBadges.js';
import type { Region } from './regions.js';
import {
  canvasMatrix,
  centredAt,
  fitTransform,
  imageToScreen,
  NO_ORIENTATION,
  reorient,
  screenAngleRad,
  screenDirectionDeg,
  screenToImage,
  zoomAt,
  zoomToRect,
  type Orientation,
  type ViewTransform,
} from './view-transform.js';

export interface Aperture {
  x: number;
  y: number;
  radiusPx: number;
  annulusPx: [number, number];
}

export interface ImageStageProps {
  pixels: PixelsDto;
  /** A block-averaged version of the same frame, drawn when zoomed out to its scale. */
  preview?: PixelsDto | null;
  settings: DisplaySettings;
  sample: Float32Array;
  sources: SourceColumns | null;
  regions: Region[];
  aperture: Aperture | null;
  showOverlays: boolean;
  fitNonce: number;
  /** Bumped to show the frame at 1:1 (one image pixel per screen pixel) around the current view centre. */
  oneToOneNonce?: number;
  /** North and east at the frame centre, drawn as a compass; null without a WCS. */
  compass?: CompassDirections | null;
  /** Image position (0-based pixel centres) to centre at 4× zoom instead of fitting the frame. */
  focus?: { x: number; y: number } | null;
  onHover: (x: number, y: number) => void;
  onPick: (x: number, y: number) => void;
  onRendered?: (ms: number) => void;
  /** Further overlays (grid, contours, apertures, comparison stars), drawn in order on top of the frame. */
  painters?: readonly OverlayPainter[];
  /** Rotation and flips of the view [none]; changing it keeps the image point at the view centre. */
  orient?: Orientation;
  /**
   * Frame lock: when `viewKey` changes (another frame is shown), `follow` gives the new view from the
   * previous one and the viewport size (null: keep the view). With a lock, a new frame size does not refit.
   */
  viewKey?: string | number | null;
  /** An RGB composite on the frame's grid, drawn instead of the stretched frame (readout stays the frame's). */
  rgb?: { width: number; height: number; binning: number; data: Uint8ClampedArray } | null;
  /** A press at image (x, y): a handler that drags something there (a region) instead of panning, or null. */
  /** `zoom`: screen pixels per image pixel, for handles of a fixed screen size. */
  onGrab?: (x: number, y: number, zoom: number) => ((x: number, y: number) => void) | null;
  follow?: ((t: ViewTransform, cw: number, ch: number) => ViewTransform | null) | null;
}

/**
 * The frame on a 2-D canvas: the stretched raster is rendered once per display change into an
 * offscreen canvas, then zoom and pan only redraw it with a transform (GPU-composited drawImage),
 * so interaction stays smooth on 4096² frames. Overlays are drawn in screen space on top.
 */
export function ImageStage(props: ImageStageProps): ReactNode {
  const { pixels, preview, settings, sample, sources, regions, aperture, showOverlays, onHover, onPick, onRendered } =
    props;
  const theme = useTheme();
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const offscreen = useRef<HTMLCanvasElement | null>(null);
  const [transform, setTransform] = useState<ViewTransform | null>(null);
  const [rendered, setRendered] = useState(0);
  const drag = useRef<{
    x: number;
    y: number;
    t: ViewTransform;
    moved: boolean;
    grab: ((x: number, y: number) => void) | null;
  } | null>(null);
  // Shift+drag: a rectangle to zoom to (screen coordinates within the canvas).
  const [selection, setSelection] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const frame = useRef(0);
  const orient = props.orient;
  const orientRef = useRef(orient);
  orientRef.current = orient;
  const followRef = useRef(props.follow);
  followRef.current = props.follow;
  const fittedNonce = useRef<number | null>(null);

  // Raster → RGBA → an offscreen canvas per frame, when pixels or display settings change. Rendered
  // rasters are kept per pixel buffer (for blinking) until the settings change.
  const rasters = useRef(new WeakMap<PixelsDto, { canvas: HTMLCanvasElement; settings: DisplaySettings }>());
  const rasterOf = useCallback(
    (p: PixelsDto): HTMLCanvasElement | null => {
      const hit = rasters.current.get(p);
      if (hit && hit.settings === settings) return hit.canvas;
      const off = document.createElement('canvas');
      off.width = p.width;
      off.height = p.height;
      const ctx = off.getContext('2d');
      if (!ctx) return null;
      const image = ctx.createImageData(p.width, p.height);
      renderRgba(p.data, image.data, settings, sample);
      ctx.putImageData(image, 0, 0);
      rasters.current.set(p, { canvas: off, settings });
      return off;
    },
    [settings, sample],
  );
  const previewRaster = useRef<HTMLCanvasElement | null>(null);
  const [fullReady, setFullReady] = useState(false);
  useEffect(() => {
    // Like a mipmap: the screen-size preview is drawn whenever the view is zoomed out that far. It is
    // rendered at once (a 1024² raster takes milliseconds); the full-resolution raster follows in the
    // next task, so a stretch change on a 4096² frame shows immediately and never blocks the click.
    const hasPreview = preview && preview !== pixels;
    previewRaster.current = hasPreview ? rasterOf(preview) : null;
    const renderFull = (): void => {
      const started = performance.now();
      const cached = rasters.current.get(pixels)?.settings === settings;
      offscreen.current = rasterOf(pixels);
      setFullReady(true);
      setRendered((n) => n + 1);
      if (!cached) onRendered?.(performance.now() - started);
    };
    setFullReady(false);
    if (!hasPreview) {
      renderFull();
      return;
    }
    if (rasters.current.get(pixels)?.settings !== settings) offscreen.current = null;
    setRendered((n) => n + 1);
    const timer = setTimeout(renderFull, 0);
    return () => clearTimeout(timer);
  }, [pixels, preview, settings, rasterOf, onRendered]);

  // Fit on a new frame size or on request; or centre on `focus` (a detection opened from curation).
  const focusX = props.focus?.x;
  const focusY = props.focus?.y;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (focusX !== undefined && focusY !== undefined && props.fitNonce === 0) {
      setTransform(
        centredAt(4, orientRef.current, focusX + 0.5, focusY + 0.5, el.clientWidth / 2, el.clientHeight / 2),
      );
      return;
    }
    // A locked view keeps following frames of another size; only F (a new nonce) fits it again.
    if (followRef.current && fittedNonce.current === props.fitNonce) return;
    fittedNonce.current = props.fitNonce;
    setTransform(
      fitTransform(
        pixels.width * pixels.binning,
        pixels.height * pixels.binning,
        el.clientWidth,
        el.clientHeight,
        orientRef.current,
      ),
    );
  }, [pixels.width, pixels.height, pixels.binning, props.fitNonce, focusX, focusY]);

  // Another frame under a lock: the view follows it (by pixels or by sky).
  const viewKey = props.viewKey;
  const lastKey = useRef(viewKey);
  useEffect(() => {
    const el = host.current;
    // Null while the new frame's detail (its WCS) is on its way: wait for it.
    if (!el || viewKey === null || viewKey === undefined || lastKey.current === viewKey) return;
    lastKey.current = viewKey;
    const follow = followRef.current;
    if (follow) setTransform((t) => (t ? (follow(t, el.clientWidth, el.clientHeight) ?? t) : t));
  }, [viewKey]);

  // A turn or flip keeps the image point at the centre of the view where it is, as DS9 does.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    setTransform((t) =>
      t && t.orient !== orient ? reorient(t, orient ?? NO_ORIENTATION, el.clientWidth, el.clientHeight) : t,
    );
  }, [orient]);

  // 1:1 keeps the image point at the centre of the view where it is.
  const oneToOne = props.oneToOneNonce ?? 0;
  useEffect(() => {
    const el = host.current;
    if (!el || oneToOne === 0) return;
    setTransform((t) => (t ? zoomAt(t, 1 / t.zoom, el.clientWidth / 2, el.clientHeight / 2) : t));
  }, [oneToOne]);

  const rgb = props.rgb;
  const rgbRaster = useMemo(() => {
    if (!rgb) return null;
    const off = document.createElement('canvas');
    off.width = rgb.width;
    off.height = rgb.height;
    const ctx = off.getContext('2d');
    if (!ctx) return null;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgb.data), rgb.width, rgb.height), 0, 0);
    return off;
  }, [rgb]);

  const draw = useCallback(() => {
    const el = canvas.current;
    const off = rgbRaster ?? offscreen.current ?? previewRaster.current;
    const box = host.current;
    if (!el || !off || !box || !transform) return;
    if (el.width !== box.clientWidth || el.height !== box.clientHeight) {
      el.width = box.clientWidth;
      el.height = box.clientHeight;
    }
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, el.width, el.height);
    // A binned raster covers the same image area as the full frame: draw it `binning` times larger.
    // Zoomed out to the preview's scale or beyond, the preview is both faster and free of aliasing.
    const usePreview =
      !rgbRaster && preview && previewRaster.current && (transform.zoom * preview.binning <= 1 || !offscreen.current);
    const source = usePreview ? (previewRaster.current as HTMLCanvasElement) : off;
    const b = rgbRaster && rgb ? rgb.binning : usePreview ? preview.binning : pixels.binning;
    ctx.imageSmoothingEnabled = transform.zoom * b < 1;
    ctx.setTransform(...canvasMatrix(transform));
    ctx.drawImage(source, 0, 0, source.width * b, source.height * b);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (const paint of props.painters ?? []) paint(ctx, transform);
    if (!showOverlays) return;
    const z = transform.zoom;
    // success is green by day and red in night mode.
    const overlay = theme.palette.success.main;
    if (sources) {
      ctx.strokeStyle = overlay;
      ctx.lineWidth = 1;
      ctx.beginPath();
      const limit = Math.min(sources.count, 50_000);
      for (let i = 0; i < limit; i++) {
        const [sx, sy] = imageToScreen(transform, sources.x[i], sources.y[i]);
        const ra = Math.max(3, 3 * sources.a[i] * z);
        if (sx < -ra || sy < -ra || sx > el.width + ra || sy > el.height + ra) continue;
        ctx.moveTo(sx + ra, sy);
        const rot = screenAngleRad(transform, (sources.thetaRad[i] * 180) / Math.PI);
        ctx.ellipse(sx, sy, ra, Math.max(3, 3 * sources.b[i] * z), rot, 0, Math.PI * 2);
      }
      ctx.stroke();
    }
    if (regions.length) {
      ctx.strokeStyle = '#4fc3ff';
      ctx.fillStyle = '#4fc3ff';
      ctx.font = '11px sans-serif';
      for (const r of regions) {
        const [sx, sy] = imageToScreen(transform, r.x, r.y);
        ctx.beginPath();
        if (r.shape === 'circle') ctx.arc(sx, sy, r.r * z, 0, Math.PI * 2);
        else if (r.shape === 'ellipse')
          ctx.ellipse(sx, sy, r.a * z, r.b * z, screenAngleRad(transform, r.angleDeg), 0, Math.PI * 2);
        else if (r.shape === 'box') {
          // The box's w side runs along the image's x axis, wherever a turn puts that on screen.
          ctx.save();
          ctx.translate(sx, sy);
          ctx.rotate(screenAngleRad(transform, 0));
          ctx.rect((-r.w * z) / 2, (-r.h * z) / 2, r.w * z, r.h * z);
          ctx.restore();
        } else ctx.rect(sx - 2, sy - 2, 4, 4);
        ctx.stroke();
        if (r.text) ctx.fillText(r.text, sx + 6, sy - 6);
      }
    }
    if (focusX !== undefined && focusY !== undefined) {
      // The item opened from curation: a crosshair with a gap, so the object itself stays visible.
      const [fx, fy] = imageToScreen(transform, focusX, focusY);
      ctx.strokeStyle = theme.palette.secondary.main;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ]) {
        ctx.moveTo(fx + dx * 10, fy + dy * 10);
        ctx.lineTo(fx + dx * 22, fy + dy * 22);
      }
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    if (aperture) {
      const [sx, sy] = imageToScreen(transform, aperture.x, aperture.y);
      ctx.strokeStyle = '#ffd54f';
      ctx.beginPath();
      ctx.arc(sx, sy, aperture.radiusPx * z, 0, Math.PI * 2);
      ctx.stroke();
      ctx.setLineDash([4, 3]);
      for (const r of aperture.annulusPx) {
        ctx.beginPath();
        ctx.arc(sx, sy, r * z, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }
  }, [
    transform,
    sources,
    regions,
    aperture,
    showOverlays,
    theme,
    pixels.binning,
    preview,
    focusX,
    focusY,
    props.painters,
    rgbRaster,
    rgb,
  ]);

  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
  }, [draw, rendered]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(() => requestAnimationFrame(draw));
    observer.observe(el);
    return () => observer.disconnect();
  }, [draw]);

  const local = (e: { clientX: number; clientY: number }): [number, number] => {
    const rect = canvas.current!.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };

  return (
    <Box
      ref={host}
      sx={{ position: 'relative', flex: 1, minHeight: 0, bgcolor: '#000', overflow: 'hidden', cursor: 'crosshair' }}
    >
      <canvas
        ref={canvas}
        data-testid="viewer-canvas"
        data-stretch={settings.stretch}
        data-colormap={settings.colormap}
        data-rgb={rgb ? 'true' : 'false'}
        data-pan-x={transform?.panX}
        data-pan-y={transform?.panY}
        data-rotation-deg={transform?.orient?.rotationDeg ?? 0}
        data-flip-x={transform?.orient?.flipX ? 'true' : 'false'}
        data-flip-y={transform?.orient?.flipY ? 'true' : 'false'}
        style={{ position: 'absolute', inset: 0 }}
        onWheel={(e) => {
          if (!transform) return;
          const [sx, sy] = local(e);
          setTransform(zoomAt(transform, e.deltaY < 0 ? 1.25 : 0.8, sx, sy));
        }}
        onMouseDown={(e) => {
          if (!transform) return;
          if (e.shiftKey) {
            const [x, y] = local(e);
            setSelection({ x0: x, y0: y, x1: x, y1: y });
            return;
          }
          const grab = props.onGrab?.(...screenToImage(transform, ...local(e)), transform.zoom) ?? null;
          drag.current = { x: e.clientX, y: e.clientY, t: transform, moved: false, grab };
        }}
        onMouseMove={(e) => {
          if (selection) {
            const [x, y] = local(e);
            setSelection({ ...selection, x1: x, y1: y });
          }
          const d = drag.current;
          if (d) {
            const dx = e.clientX - d.x;
            const dy = e.clientY - d.y;
            if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true;
            if (d.moved && d.grab) d.grab(...screenToImage(d.t, ...local(e)));
            else if (d.moved) setTransform({ ...d.t, panX: d.t.panX + dx, panY: d.t.panY + dy });
          }
          if (transform) {
            const [x, y] = screenToImage(transform, ...local(e));
            onHover(x, y);
          }
        }}
        onMouseUp={(e) => {
          if (selection) {
            const el = host.current;
            if (transform && el) {
              const [x, y] = local(e);
              setTransform(zoomToRect(transform, selection.x0, selection.y0, x, y, el.clientWidth, el.clientHeight));
            }
            setSelection(null);
            return;
          }
          const d = drag.current;
          drag.current = null;
          if (d && !d.moved && transform) onPick(...screenToImage(transform, ...local(e)));
        }}
        onMouseLeave={() => {
          drag.current = null;
          setSelection(null);
        }}
      />
      {selection && (
        <Box
          data-testid="zoom-selection"
          sx={{
            position: 'absolute',
            left: Math.min(selection.x0, selection.x1),
            top: Math.min(selection.y0, selection.y1),
            width: Math.abs(selection.x1 - selection.x0),
            height: Math.abs(selection.y1 - selection.y0),
            border: '1px dashed',
            borderColor: 'secondary.main',
            pointerEvents: 'none',
          }}
        />
      )}
      {transform && <ZoomBadge zoom={transform.zoom} orient={transform.orient} />}
      {props.compass && (
        <Compass
          directions={{
            northDeg: screenDirectionDeg(transform?.orient, props.compass.northDeg),
            eastDeg: screenDirectionDeg(transform?.orient, props.compass.eastDeg),
          }}
        />
      )}
      {rendered > 0 && <span data-testid="viewer-ready" style={{ display: 'none' }} />}
      {fullReady && pixels.binning === 1 && <span data-testid="viewer-full-ready" style={{ display: 'none' }} />}
    </Box>
  );
}
