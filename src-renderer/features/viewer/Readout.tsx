import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';

export interface ReadoutValue {
  x: number;
  y: number;
  /** The cursor is over the frame (else the value is not defined there). */
  inside: boolean;
  /** The frame has a celestial WCS (else RA/Dec cannot be given anywhere). */
  hasWcs: boolean;
  value: number | null;
  raDeg: number | null;
  decDeg: number | null;
}

function sexagesimal(deg: number, hours: boolean): string {
  const sign = deg < 0 ? '-' : hours ? '' : '+';
  let v = Math.abs(hours ? deg / 15 : deg);
  const a = Math.floor(v);
  v = (v - a) * 60;
  const b = Math.floor(v);
  const c = (v - b) * 60;
  return `${sign}${String(a).padStart(2, '0')}:${String(b).padStart(2, '0')}:${c.toFixed(hours ? 2 : 1).padStart(hours ? 5 : 4, '0')}`;
}

/** Cursor position (0-based pixel centres), pixel value and sky position. */
export function Readout({ value }: { value: ReadoutValue | null }): ReactNode {
  const row = (label: string, text: string): ReactNode => (
    <Box sx={{ display: 'flex', gap: 1 }}>
      <Typography variant="caption" color="text.secondary" sx={{ width: 44 }}>
        {label}
      </Typography>
      <Typography variant="caption" sx={{ fontFamily: 'monospace' }}>
        {text}
      </Typography>
    </Box>
  );
  return (
    <Box data-testid="pixel-readout" sx={{ mb: 1 }}>
      {row('x, y', value ? `${value.x.toFixed(1)}, ${value.y.toFixed(1)}` : '—')}
      {row(
        'value',
        value?.value != null && Number.isFinite(value.value)
          ? value.value.toPrecision(6)
          : value && !value.inside
            ? 'outside the image'
            : '—',
      )}
      {row(
        'RA',
        value?.raDeg != null
          ? `${sexagesimal(value.raDeg, true)}  (${value.raDeg.toFixed(5)}°)`
          : value && !value.hasWcs
            ? 'no WCS'
            : '—',
      )}
      {row('Dec', value?.decDeg != null ? `${sexagesimal(value.decDeg, false)}  (${value.decDeg.toFixed(5)}°)` : '—')}
    </Box>
  );
}
