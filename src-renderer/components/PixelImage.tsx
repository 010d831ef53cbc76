import { useTheme } from '@mui/material/styles';
import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import type { PixelsDto } from '../../src-main/common/workbench-dto.js';
import {
  percentileLimits,
  renderRgba,
  samplePixels,
  zscaleLimits,
  type ColormapName,
  type StretchName,
} from './display/index.js';

export interface PixelImageProps {
  pixels: PixelsDto | null | undefined;
  /** Displayed size in CSS pixels (square box; the image keeps its aspect ratio). */
  sizePx: number;
  stretch?: StretchName;
  colormap?: ColormapName;
  label?: string;
  /** zscale (faint detail, for frames) or percentile 0.5–99.9 (bright cores stay visible, for stamps) [zscale]. */
  limits?: 'zscale' | 'percentile';
  style?: CSSProperties;
}

/** A small raster (thumbnail or stamp) drawn with zscale limits, nearest-neighbour scaled. */
export function PixelImage({
  pixels,
  sizePx,
  stretch = 'linear',
  colormap: requested = 'grey',
  limits = 'zscale',
  label,
  style,
}: PixelImageProps): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Night mode: every raster is drawn red on black, like the rest of the interface.
  const night = useTheme().palette.background.default === '#000000';
  const colormap = night ? 'red' : requested;
  useEffect(() => {
    const el = canvas.current;
    if (!el || !pixels) return;
    el.width = pixels.width;
    el.height = pixels.height;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(pixels.width, pixels.height);
    const sample = samplePixels(pixels.data);
    renderRgba(
      pixels.data,
      image.data,
      {
        stretch,
        colormap,
        invert: false,
        limits: limits === 'percentile' ? percentileLimits(sample, 0.5, 99.9) : zscaleLimits(pixels.data),
      },
      sample,
    );
    ctx.putImageData(image, 0, 0);
  }, [pixels, stretch, colormap, limits]);
  const aspect = pixels ? pixels.width / pixels.height : 1;
  const w = aspect >= 1 ? sizePx : sizePx * aspect;
  const h = aspect >= 1 ? sizePx / aspect : sizePx;
  return (
    <canvas
      ref={canvas}
      aria-label={label}
      style={{ width: w, height: h, imageRendering: 'pixelated', background: '#000', display: 'block', ...style }}
    />
  );
}
