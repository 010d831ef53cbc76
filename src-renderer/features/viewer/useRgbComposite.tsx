import { Box, FormControlLabel, MenuItem, Switch, TextField, Typography } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import type { FrameDetail, FrameRow, PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { composeRgb, resampleByWcs, type ChannelLevels } from '../../../src-workers/core/viewer/index.js';
import { parseCelestialWcs, recordSource, type SkyWcs } from '../../../src-workers/core/wcs/index.js';
import { useInvoke } from '../../api/hooks.js';
import { useViewState } from '../../app/view-state.js';
import { samplePixels, zscaleLimits } from '../../components/display/index.js';

/** The celestial WCS of a frame's header, or null. */
export function wcsOfDetail(detail: FrameDetail | undefined): SkyWcs | null {
  if (!detail) return null;
  const record: Record<string, unknown> = {};
  for (const c of detail.header) record[c.key] = c.value;
  try {
    const parsed = parseCelestialWcs(recordSource(record));
    return 'wcs' in parsed ? parsed.wcs : null;
  } catch {
    return null;
  }
}

/** Interleaved RGBA bytes on the reference frame's (possibly binned) grid. */
export interface RgbRaster {
  width: number;
  height: number;
  binning: number;
  data: Uint8ClampedArray;
}

const CHANNELS = ['R', 'G', 'B'] as const;

/**
 * RGB composition (DS9's RGB frame): red is the frame shown, green and blue two other frames chosen here;
 * green and blue are resampled onto the shown frame's pixels through their WCSs, and each channel has
 * its own linear levels (zscale until set by hand).
 */
export function useRgbComposite({
  frames,
  reference,
  referenceWcs,
  referenceId,
}: {
  frames: readonly FrameRow[];
  reference: PixelsDto | undefined;
  referenceWcs: SkyWcs | null;
  referenceId: number | null;
}): { rgb: RgbRaster | null; controls: ReactNode; panel: ReactNode } {
  const [on, setOn] = useViewState('viewer.rgb', false);
  const [picked, setPicked] = useViewState<[number | null, number | null]>('viewer.rgbFrames', [null, null]);
  const [manual, setManual] = useViewState<Array<ChannelLevels | null>>('viewer.rgbLevels', [null, null, null]);
  // Science frames only: a bias, dark or flat is no colour channel of the sky.
  const others = frames.filter(
    (f) => f.id !== referenceId && !['bias', 'dark', 'flat'].includes(f.imageType.toLowerCase()),
  );
  const gId = on ? (picked[0] ?? others[0]?.id ?? null) : null;
  const bId = on ? (picked[1] ?? others[1]?.id ?? others[0]?.id ?? null) : null;
  const binning = reference?.binning ?? 1;
  const gPixels = useInvoke('owb:frames.pixels', gId === null ? null : { frameId: gId, binning });
  const bPixels = useInvoke('owb:frames.pixels', bId === null ? null : { frameId: bId, binning });
  const gDetail = useInvoke('owb:frames.get', gId === null ? null : { frameId: gId });
  const bDetail = useInvoke('owb:frames.get', bId === null ? null : { frameId: bId });
  const gWcs = useMemo(() => wcsOfDetail(gDetail.fresh ? gDetail.data : undefined), [gDetail.data, gDetail.fresh]);
  const bWcs = useMemo(() => wcsOfDetail(bDetail.fresh ? bDetail.data : undefined), [bDetail.data, bDetail.fresh]);

  const channels = useMemo(() => {
    if (!on || !reference || !referenceWcs || !gWcs || !bWcs || !gPixels.fresh || !bPixels.fresh) return null;
    if (!gPixels.data || !bPixels.data) return null;
    return [
      reference.data,
      resampleByWcs(gPixels.data, gWcs, reference, referenceWcs),
      resampleByWcs(bPixels.data, bWcs, reference, referenceWcs),
    ] as [Float32Array, Float32Array, Float32Array];
  }, [on, reference, referenceWcs, gWcs, bWcs, gPixels.data, gPixels.fresh, bPixels.data, bPixels.fresh]);
  const auto = useMemo(
    () =>
      channels
        ? channels.map((c) =>
            zscaleLimits(
              samplePixels(
                c.filter((v) => v === v),
                50_000,
              ),
            ),
          )
        : null,
    [channels],
  );
  const levels = auto ? (auto.map((a, c) => manual[c] ?? a) as [ChannelLevels, ChannelLevels, ChannelLevels]) : null;
  // The levels are compared by value: a new array of the same numbers is the same composite.
  const levelsKey = JSON.stringify(levels);
  const rgb = useMemo(() => {
    const lv = JSON.parse(levelsKey) as [ChannelLevels, ChannelLevels, ChannelLevels] | null;
    return channels && lv && reference
      ? { width: reference.width, height: reference.height, binning: reference.binning, data: composeRgb(channels, lv) }
      : null;
  }, [channels, reference, levelsKey]);

  const controls = (
    <FormControlLabel
      control={
        <Switch
          checked={on}
          disabled={!referenceWcs}
          onChange={(e) => setOn(e.target.checked)}
          slotProps={{ input: { 'aria-label': 'RGB composite' } }}
        />
      }
      label="RGB"
      title={referenceWcs ? 'Red: this frame; green and blue: two frames registered by WCS' : 'This frame has no WCS'}
    />
  );
  const frameSelect = (k: 0 | 1, id: number | null): ReactNode => (
    <TextField
      select
      size="small"
      label={k === 0 ? 'G frame' : 'B frame'}
      value={id ?? ''}
      onChange={(e) => setPicked((p) => (k === 0 ? [Number(e.target.value), p[1]] : [p[0], Number(e.target.value)]))}
      sx={{ width: 150 }}
      slotProps={{ select: { SelectDisplayProps: { 'data-testid': `rgb-frame-${k === 0 ? 'g' : 'b'}` } as object } }}
    >
      {others.map((f) => (
        <MenuItem key={f.id} value={f.id}>
          {f.id}: {f.fileName}
        </MenuItem>
      ))}
    </TextField>
  );
  const level = (c: number, side: 'lo' | 'hi'): ReactNode => (
    <TextField
      size="small"
      type="number"
      label={`${CHANNELS[c]} ${side === 'lo' ? 'low' : 'high'}`}
      value={levels ? Number(levels[c][side].toPrecision(6)) : ''}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (!levels || !Number.isFinite(v)) return;
        setManual((m) => m.map((x, i) => (i === c ? { ...levels[c], [side]: v } : x)));
      }}
      slotProps={{ htmlInput: { 'data-testid': `rgb-${CHANNELS[c].toLowerCase()}-${side}` } }}
      sx={{ width: 96 }}
    />
  );
  const panel = on ? (
    <Box data-testid="rgb-panel" data-ready={rgb ? 'true' : 'false'} sx={{ mb: 1 }}>
      <Typography variant="subtitle2">RGB composite (registered by WCS)</Typography>
      <Box sx={{ display: 'flex', gap: 1, my: 0.5 }}>
        {frameSelect(0, gId)}
        {frameSelect(1, bId)}
      </Box>
      {[0, 1, 2].map((c) => (
        <Box key={c} sx={{ display: 'flex', gap: 1, my: 0.5 }}>
          {level(c, 'lo')}
          {level(c, 'hi')}
        </Box>
      ))}
      {!rgb && <Typography variant="caption">Loading the green and blue frames…</Typography>}
    </Box>
  ) : null;
  return { rgb: on ? rgb : null, controls, panel };
}
