import { Box, MenuItem, Slider, TextField, Typography } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import type { FrameDetail } from '../../../src-main/common/workbench-dto.js';
import { useKeyboard } from '../../app/shortcuts.js';

type ImageList = NonNullable<FrameDetail['images']>;
export type ImageInfo = ImageList['list'][number];

export interface ImageSelection {
  /** The HDU asked for; undefined until the user picks one (the server's default, the first 2-D image). */
  hdu: number | undefined;
  /** The cube plane (0-based). */
  plane: number;
  /** What is known of the HDU shown: its size and planes (null before the frame's detail arrives). */
  info: ImageInfo | null;
  /** True when the HDU shown is the frame's first image, the one detections and plate solutions are of. */
  isDefault: boolean;
  controls: ReactNode;
}

/**
 * HDU and cube-plane navigation for multi-extension files and cubes, as DS9's Cube dialog and its
 * extension selector: H cycles the image HDUs, `,` and `.` step through the planes. A new frame starts
 * at its first image and plane 0.
 */
export function useImageSelection(frameId: number | null, images: ImageList | undefined): ImageSelection {
  const [pick, setPick] = useState<{ frameId: number | null; hdu: number | undefined; plane: number }>({
    frameId,
    hdu: undefined,
    plane: 0,
  });
  useEffect(() => setPick({ frameId, hdu: undefined, plane: 0 }), [frameId]);
  const current = pick.frameId === frameId ? pick : { frameId, hdu: undefined, plane: 0 };
  const list = images?.list ?? [];
  const info = list.find((i) => i.hdu === (current.hdu ?? images?.hdu)) ?? null;
  const planes = info?.planes ?? 1;
  const setHdu = (hdu: number): void => setPick({ frameId, hdu, plane: 0 });
  const setPlane = (plane: number): void => setPick({ frameId, hdu: current.hdu, plane });
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key.toLowerCase() === 'h' && list.length > 1 && info) {
      setHdu(list[(list.indexOf(info) + 1) % list.length].hdu);
      return true;
    }
    if ((e.key === ',' || e.key === '.') && planes > 1) {
      setPlane(Math.min(planes - 1, Math.max(0, current.plane + (e.key === '.' ? 1 : -1))));
      return true;
    }
    return false;
  });
  const controls =
    list.length > 1 || planes > 1 ? (
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center' }} data-testid="image-selector">
        {list.length > 1 && (
          <TextField
            select
            size="small"
            label="HDU (H)"
            value={info?.hdu ?? ''}
            onChange={(e) => setHdu(Number(e.target.value))}
            sx={{ width: 220 }}
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'hdu-select' } as object } }}
          >
            {list.map((i) => (
              <MenuItem key={i.hdu} value={i.hdu}>
                {i.hdu}
                {i.name ? ` ${i.name}` : ''} · {i.width}×{i.height}
                {i.planes > 1 ? `×${i.planes}` : ''}
              </MenuItem>
            ))}
          </TextField>
        )}
        {planes > 1 && (
          <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'center', width: 320 }}>
            <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }} data-testid="plane-readout">
              plane {current.plane + 1} / {planes}
            </Typography>
            <Slider
              size="small"
              min={0}
              max={planes - 1}
              step={1}
              value={current.plane}
              onChange={(_, v) => setPlane(v as number)}
              slotProps={{ input: { 'aria-label': 'Cube plane (, and .)' } }}
            />
          </Box>
        )}
      </Box>
    ) : null;
  return {
    hdu: current.hdu,
    plane: current.plane,
    info,
    isDefault: !info || info.hdu === list[0]?.hdu,
    controls,
  };
}
