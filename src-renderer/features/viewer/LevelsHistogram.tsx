import { Box, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import type { Limits } from '../../components/display/index.js';

const WIDTH = 340;
const HEIGHT = 84;
const BINS = 120;

/**
 * The value axis of the histogram: the 0.1–99.9 % range of the (sorted) pixel sample padded by 15 %
 * each side, so the sky peak and the bright tail both show; fixed while the levels are dragged, so a
 * handle stays under the pointer.
 */
export function histogramRange(sorted: Float32Array): [number, number] {
  if (sorted.length === 0) return [0, 1];
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  const lo = at(0.001);
  const hi = at(0.999);
  const pad = 0.15 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** Counts of the sample in `BINS` equal bins over `range` (values outside are left out). */
function binCounts(sorted: Float32Array, [lo, hi]: [number, number]): Uint32Array {
  const counts = new Uint32Array(BINS);
  const scale = BINS / (hi - lo);
  for (const v of sorted) {
    const b = Math.floor((v - lo) * scale);
    if (b >= 0 && b < BINS) counts[b]++;
  }
  return counts;
}

/**
 * Histogram of the frame's pixel sample (log counts) with the display's low and high levels as two
 * handles: dragging one sets the levels by hand (limits mode "manual"), as in DS9's scale dialog and
 * Siril's histogram tool.
 */
export function LevelsHistogram({
  sample,
  limits,
  onLimits,
}: {
  sample: Float32Array;
  limits: Limits;
  onLimits: (limits: Limits) => void;
}): ReactNode {
  const theme = useTheme();
  const range = useMemo(() => histogramRange(sample), [sample]);
  const counts = useMemo(() => binCounts(sample, range), [sample, range]);
  const svg = useRef<SVGSVGElement>(null);
  const [dragging, setDragging] = useState<'lo' | 'hi' | null>(null);
  const [r0, r1] = range;
  const toX = (v: number): number => Math.min(WIDTH, Math.max(0, ((v - r0) / (r1 - r0)) * WIDTH));
  const toValue = (clientX: number): number => {
    // The bounding box includes the 1 px border; the value axis is the WIDTH px inside it.
    const el = svg.current!;
    const x = clientX - el.getBoundingClientRect().left - el.clientLeft;
    return r0 + (x / WIDTH) * (r1 - r0);
  };
  const peak = Math.max(1, ...counts);
  const bar = WIDTH / BINS;
  const ink = theme.palette.text.secondary;
  const handle = (which: 'lo' | 'hi'): ReactNode => {
    const x = toX(limits[which]);
    return (
      <g
        data-testid={`level-${which}`}
        style={{ cursor: 'ew-resize' }}
        onPointerDown={(e) => {
          (e.target as Element).setPointerCapture?.(e.pointerId);
          setDragging(which);
        }}
      >
        <rect x={x - 6} y={0} width={12} height={HEIGHT} fill="transparent" />
        <line x1={x} x2={x} y1={0} y2={HEIGHT} stroke={theme.palette.secondary.main} strokeWidth={2} />
        <text
          x={x + (which === 'lo' ? 3 : -3)}
          y={10}
          fontSize={10}
          fill={ink}
          textAnchor={which === 'lo' ? 'start' : 'end'}
        >
          {which === 'lo' ? 'low' : 'high'}
        </text>
      </g>
    );
  };
  return (
    <Box sx={{ mb: 1 }}>
      <Typography variant="caption" color="text.secondary">
        Histogram (log counts) · drag the low / high levels
      </Typography>
      <svg
        ref={svg}
        width={WIDTH}
        height={HEIGHT}
        data-testid="levels-histogram"
        data-range-lo={r0}
        data-range-hi={r1}
        role="img"
        aria-label={`pixel histogram from ${r0.toPrecision(5)} to ${r1.toPrecision(5)}, levels ${limits.lo.toPrecision(5)} to ${limits.hi.toPrecision(5)}`}
        style={{ display: 'block', touchAction: 'none', border: `1px solid ${theme.palette.divider}` }}
        onPointerMove={(e) => {
          if (!dragging) return;
          const v = toValue(e.clientX);
          // The two levels never cross: a handle stops one part in 1000 of the axis short of the other.
          const gap = (r1 - r0) / 1000;
          if (dragging === 'lo') onLimits({ lo: Math.min(v, limits.hi - gap), hi: limits.hi });
          else onLimits({ lo: limits.lo, hi: Math.max(v, limits.lo + gap) });
        }}
        onPointerUp={() => setDragging(null)}
        onPointerCancel={() => setDragging(null)}
      >
        {Array.from(counts, (n, i) => {
          const h = n ? (Math.log1p(n) / Math.log1p(peak)) * (HEIGHT - 14) : 0;
          return (
            <rect
              key={i}
              x={i * bar}
              y={HEIGHT - h}
              width={bar + 0.3}
              height={h}
              fill={theme.palette.primary.main}
              opacity={0.7}
            />
          );
        })}
        {handle('lo')}
        {handle('hi')}
      </svg>
    </Box>
  );
}
