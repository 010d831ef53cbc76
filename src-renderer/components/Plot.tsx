import { useTheme } from '@mui/material/styles';
import type { ReactNode } from 'react';

export interface PlotSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  yErr?: ArrayLike<number | null>;
  label?: string;
  color?: string;
  mode?: 'line' | 'points';
}

export interface PlotProps {
  series: PlotSeries[];
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  /** Magnitudes grow downwards on a light curve. */
  invertY?: boolean;
  title?: string;
  /**
   * Smallest axis spans in data units. A single point (or equal values) would otherwise get an
   * arbitrary ±0.5 around it: one day on an MJD axis, around a 60 s exposure. A light curve asks for
   * about half an hour and a tenth of a magnitude instead.
   */
  minSpan?: { x?: number; y?: number };
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function extent(values: number[], minSpan?: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const least = minSpan ?? (lo === hi ? 1 : 0);
  if (hi - lo < least) {
    const mid = (lo + hi) / 2;
    lo = mid - least / 2;
    hi = mid + least / 2;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** A small SVG plot with axes, error bars and a legend, themed (red in night mode). */
export function Plot({ series, width, height, xLabel, yLabel, invertY, title, minSpan }: PlotProps): ReactNode {
  const theme = useTheme();
  const ink = theme.palette.text.secondary;
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.error.main,
  ];
  const m = { left: 52, right: 12, top: title ? 22 : 10, bottom: 36 };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      xs.push(s.x[i]);
      const e = s.yErr?.[i] ?? 0;
      ys.push(s.y[i] - (e ?? 0), s.y[i] + (e ?? 0));
    }
  }
  const [x0, x1] = extent(xs, minSpan?.x);
  const [y0, y1] = extent(ys, minSpan?.y);
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x: number): number => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number =>
    invertY ? m.top + ((y - y0) / (y1 - y0)) * ph : m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  // Enough decimals to tell neighbouring ticks apart (MJDs over one night differ in the 3rd decimal).
  const formatter = (ticks: number[]) => {
    const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
    const digits = Math.min(6, Math.max(0, -Math.floor(Math.log10(step || 1))));
    return (v: number): string =>
      Math.abs(v) >= 1e7 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : v.toFixed(digits);
  };
  const xTicks = niceTicks(x0, x1);
  const yTicks = niceTicks(y0, y1);
  const fmtX = formatter(xTicks);
  const fmtY = formatter(yTicks);
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={title ?? `${yLabel} against ${xLabel}`}
      style={{ display: 'block' }}
    >
      {title && (
        <text x={m.left} y={14} fill={theme.palette.text.primary} fontSize={12}>
          {title}
        </text>
      )}
      <rect x={m.left} y={m.top} width={pw} height={ph} fill="none" stroke={theme.palette.divider} />
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={sx(t)} x2={sx(t)} y1={m.top + ph} y2={m.top + ph + 4} stroke={ink} />
          <text x={sx(t)} y={m.top + ph + 15} fill={ink} fontSize={10} textAnchor="middle">
            {fmtX(t)}
          </text>
        </g>
      ))}
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={m.left - 4} x2={m.left} y1={sy(t)} y2={sy(t)} stroke={ink} />
          <text x={m.left - 6} y={sy(t) + 3} fill={ink} fontSize={10} textAnchor="end">
            {fmtY(t)}
          </text>
        </g>
      ))}
      <text x={m.left + pw / 2} y={height - 4} fill={ink} fontSize={11} textAnchor="middle">
        {xLabel}
      </text>
      <text
        x={12}
        y={m.top + ph / 2}
        fill={ink}
        fontSize={11}
        textAnchor="middle"
        transform={`rotate(-90 12 ${m.top + ph / 2})`}
      >
        {yLabel}
      </text>
      {series.map((s, k) => {
        const color = s.color ?? palette[k % palette.length];
        const pts: string[] = [];
        const marks: ReactNode[] = [];
        for (let i = 0; i < s.x.length; i++) {
          if (!Number.isFinite(s.y[i]) || !Number.isFinite(s.x[i])) continue;
          const px = sx(s.x[i]);
          const py = sy(s.y[i]);
          pts.push(`${px.toFixed(1)},${py.toFixed(1)}`);
          const e = s.yErr?.[i];
          if (e && Number.isFinite(e))
            marks.push(
              <line
                key={`e${i}`}
                x1={px}
                x2={px}
                y1={sy(s.y[i] - e)}
                y2={sy(s.y[i] + e)}
                stroke={color}
                strokeWidth={1}
              />,
            );
          if (s.mode !== 'line') marks.push(<circle key={`p${i}`} cx={px} cy={py} r={2.5} fill={color} />);
        }
        return (
          <g key={k}>
            {s.mode === 'line' && <polyline points={pts.join(' ')} fill="none" stroke={color} strokeWidth={1.5} />}
            {marks}
            {s.label && (
              <text x={m.left + pw - 4} y={m.top + 12 + k * 13} fill={color} fontSize={10} textAnchor="end">
                {s.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
