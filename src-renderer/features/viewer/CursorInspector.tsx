import { Box, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { renderRgba, type DisplaySettings } from '../../components/display/index.js';

/** Half-size of the magnified patch (pixels each side of the one under the cursor) and of the table. */
const MAG_HALF = 10;
const TABLE_HALF = 2;
const MAG_SCALE = 6;

/**
 * DS9's magnifier and pixel table: the pixels around the cursor drawn 6× with the frame's display
 * settings (the cursor pixel outlined), and the 5×5 values around it (north, +y, at the top as on screen).
 * Coordinates are full-resolution 0-based pixel centres; shown only on full-resolution pixels.
 */
export function CursorInspector({
  pixels,
  settings,
  sample,
  at,
}: {
  pixels: PixelsDto | undefined;
  settings: DisplaySettings | null;
  sample: Float32Array;
  at: { x: number; y: number } | null;
}): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const ix = at ? Math.round(at.x) : null;
  const iy = at ? Math.round(at.y) : null;
  const usable = pixels && pixels.binning === 1 && ix !== null && iy !== null;
  const valueAt = (x: number, y: number): number | null =>
    pixels && x >= 0 && y >= 0 && x < pixels.width && y < pixels.height ? pixels.data[y * pixels.width + x] : null;
  const table = useMemo(() => {
    if (!usable) return null;
    const rows: Array<{ y: number; cells: Array<{ x: number; v: number | null }> }> = [];
    for (let y = iy + TABLE_HALF; y >= iy - TABLE_HALF; y--) {
      const cells: Array<{ x: number; v: number | null }> = [];
      for (let x = ix - TABLE_HALF; x <= ix + TABLE_HALF; x++) cells.push({ x, v: valueAt(x, y) });
      rows.push({ y, cells });
    }
    return rows;
  }, [usable, pixels, ix, iy]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !usable || !settings) return;
    const n = 2 * MAG_HALF + 1;
    const patch = new Float32Array(n * n).fill(Number.NaN);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const v = valueAt(ix - MAG_HALF + i, iy - MAG_HALF + j);
        if (v !== null) patch[j * n + i] = v;
      }
    const image = new ImageData(n, n);
    renderRgba(patch, image.data, settings, sample);
    const off = document.createElement('canvas');
    off.width = n;
    off.height = n;
    off.getContext('2d')?.putImageData(image, 0, 0);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, el.width, el.height);
    ctx.imageSmoothingEnabled = false;
    // Row 0 of the patch is the lowest y: flip so +y is up, as in the main view.
    ctx.setTransform(MAG_SCALE, 0, 0, -MAG_SCALE, 0, n * MAG_SCALE);
    ctx.drawImage(off, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.strokeStyle = '#ff5252';
    ctx.strokeRect(MAG_HALF * MAG_SCALE + 0.5, MAG_HALF * MAG_SCALE + 0.5, MAG_SCALE - 1, MAG_SCALE - 1);
  }, [usable, pixels, ix, iy, settings, sample]);

  if (!usable || !table) return null;
  const size = (2 * MAG_HALF + 1) * MAG_SCALE;
  return (
    <Box sx={{ display: 'flex', gap: 1, mb: 1, alignItems: 'flex-start' }}>
      <canvas
        ref={canvas}
        width={size}
        height={size}
        data-testid="magnifier"
        aria-label={`Magnifier: ${MAG_SCALE}× around pixel ${ix}, ${iy}`}
        role="img"
        style={{ width: size / 1.5, height: size / 1.5, flex: 'none', border: '1px solid #555' }}
      />
      <Box
        component="table"
        data-testid="pixel-table"
        data-x={ix}
        data-y={iy}
        aria-label={`Pixel values around ${ix}, ${iy}`}
        sx={{ borderCollapse: 'collapse', fontFamily: 'monospace', fontSize: 10 }}
      >
        <thead>
          <tr>
            <th scope="col">
              <Typography variant="caption" sx={{ fontSize: 9 }} color="text.secondary">
                y\x
              </Typography>
            </th>
            {table[0].cells.map((c) => (
              <th key={c.x} scope="col" style={{ fontWeight: 400, opacity: 0.7, padding: '0 3px' }}>
                {c.x}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.map((row) => (
            <tr key={row.y}>
              <th scope="row" style={{ fontWeight: 400, opacity: 0.7, paddingRight: 3 }}>
                {row.y}
              </th>
              {row.cells.map((c) => (
                <td
                  key={c.x}
                  data-x={c.x}
                  data-y={row.y}
                  data-value={c.v ?? ''}
                  style={{
                    padding: '0 3px',
                    textAlign: 'right',
                    outline: c.x === ix && row.y === iy ? '1px solid #ff5252' : undefined,
                  }}
                >
                  {c.v === null ? '' : Number.isFinite(c.v) ? Number(c.v.toPrecision(5)) : 'NaN'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </Box>
    </Box>
  );
}
