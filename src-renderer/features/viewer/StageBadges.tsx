import { Box } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import type { ReactNode } from 'react';
import type { CompassDirections } from './compass.js';
import type { Orientation } from './view-transform.js';

/** The zoom factor in screen pixels per image pixel, as DS9 and Siril show it (1 = 1:1). */
export function zoomText(zoom: number): string {
  if (Math.abs(zoom - 1) < 1e-6) return '1:1';
  return zoom >= 1 ? `${Number(zoom.toPrecision(3))}×` : `1/${Number((1 / zoom).toPrecision(3))}×`;
}

/** The view's turn and flips as DS9 names them (empty when there are none). */
export function orientationText(o: Orientation | undefined): string {
  if (!o) return '';
  const parts = [o.rotationDeg ? `rot ${o.rotationDeg}°` : '', o.flipX ? 'flip X' : '', o.flipY ? 'flip Y' : ''];
  return parts.filter(Boolean).join(' · ');
}

export function ZoomBadge({ zoom, orient }: { zoom: number; orient?: Orientation }): ReactNode {
  const turned = orientationText(orient);
  return (
    <Box
      data-testid="zoom-readout"
      data-zoom={zoom}
      data-orientation={turned}
      sx={{
        position: 'absolute',
        left: 8,
        bottom: 8,
        px: 0.75,
        py: 0.25,
        borderRadius: 0.5,
        bgcolor: 'rgba(0,0,0,0.6)',
        color: 'text.primary',
        fontSize: 12,
        fontFamily: 'monospace',
        pointerEvents: 'none',
      }}
    >
      zoom {zoomText(zoom)}
      {turned ? ` · ${turned}` : ''}
    </Box>
  );
}

/** N and E arrows in the top right corner; angles are screen math angles (0 = right, 90 = up). */
export function Compass({ directions }: { directions: CompassDirections }): ReactNode {
  const theme = useTheme();
  const c = 40;
  const len = 28;
  const tip = (deg: number, r = len): [number, number] => [
    c + r * Math.cos((deg * Math.PI) / 180),
    c - r * Math.sin((deg * Math.PI) / 180),
  ];
  const arrow = (deg: number, label: string, colour: string): ReactNode => {
    const [x, y] = tip(deg);
    const [lx, ly] = tip(deg, len + 9);
    return (
      <g>
        <line x1={c} y1={c} x2={x} y2={y} stroke={colour} strokeWidth={2} />
        <circle cx={x} cy={y} r={2.5} fill={colour} />
        <text x={lx} y={ly + 4} fill={colour} fontSize={12} fontWeight={700} textAnchor="middle">
          {label}
        </text>
      </g>
    );
  };
  return (
    <svg
      width={2 * c}
      height={2 * c}
      data-testid="compass"
      data-north-deg={directions.northDeg.toFixed(2)}
      data-east-deg={directions.eastDeg.toFixed(2)}
      role="img"
      aria-label={`compass: north at ${directions.northDeg.toFixed(0)}°, east at ${directions.eastDeg.toFixed(0)}° (0° = right, counter-clockwise)`}
      style={{ position: 'absolute', right: 8, top: 8, pointerEvents: 'none' }}
    >
      {arrow(directions.northDeg, 'N', theme.palette.secondary.main)}
      {arrow(directions.eastDeg, 'E', theme.palette.primary.main)}
    </svg>
  );
}
