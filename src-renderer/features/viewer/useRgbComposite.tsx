import { Box, FormControlLabel, MenuItem, Switch, TextField, Typography } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import type { FrameDetail, FrameRow, PixelsDto } from '../../../src-main/common/workbench-dto.js';
import {
  composeRgb,
  resampleByAffine,
  resampleByWcs,
  type ChannelLevels,
} from '../../../src-workers/core/viewer/index.js';
import type { StarRegistration } from '../../../src-main/common/region-measure-dto.js';
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

/** How green and blue are put on the red frame's pixels. */
type Registration = 'wcs' | 'stars';

const registrationNote = (r: StarRegistration | undefined): string =>
  !r
    ? 'registering…'
    : r.ok
      ? `Δ ${r.transform.tx.toFixed(2)}, ${r.transform.ty.toFixed(2)} px (${r.matched} stars, rms ${r.rmsPx.toFixed(2)} px)`
      : r.reason;

/**
 * RGB composition (DS9's RGB frame): red is the frame shown, green and blue two other frames chosen here;
 * green and blue are resampled onto the shown frame's pixels through their WCSs, or through the affine
 * transform that matching their stars gives (core/register, on the server), and each channel has its own
 * linear levels (zscale until set by hand).
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
  const [chosenBy, setBy] = useViewState<Registration>('viewer.rgbRegistration', 'wcs');
  // Without a WCS on the red frame only stars can register the others.
  const by: Registration = referenceWcs ? chosenBy : 'stars';
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
  const starsOf = (id: number | null) =>
    by === 'stars' && id !== null && referenceId !== null ? { frameId: id, referenceId } : null;
  const gReg = useInvoke('owb:frames.registerStars', starsOf(gId));
  const bReg = useInvoke('owb:frames.registerStars', starsOf(bId));
  const gWcs = useMemo(() => wcsOfDetail(gDetail.fresh ? gDetail.data : undefined), [gDetail.data, gDetail.fresh]);
  const bWcs = useMemo(() => wcsOfDetail(bDetail.fresh ? bDetail.data : undefined), [bDetail.data, bDetail.fresh]);

  // A failed star match is said in the registration note, not as loading.
  const starsFailed = by === 'stars' && [gReg, bReg].some((r) => r.fresh && r.data && !r.data.ok);
  const gFit = gReg.fresh && gReg.data?.ok ? gReg.data.transform : null;
  const bFit = bReg.fresh && bReg.data?.ok ? bReg.data.transform : null;
  const channels = useMemo(() => {
    if (!on || !reference || !gPixels.fresh || !bPixels.fresh || !gPixels.data || !bPixels.data) return null;
    if (by === 'stars')
      return gFit && bFit
        ? ([
            reference.data,
            resampleByAffine(gPixels.data, gFit, reference),
            resampleByAffine(bPixels.data, bFit, reference),
          ] as [Float32Array, Float32Array, Float32Array])
        : null;
    if (!referenceWcs || !gWcs || !bWcs) return null;
    return [
      reference.data,
      resampleByWcs(gPixels.data, gWcs, reference, referenceWcs),
      resampleByWcs(bPixels.data, bWcs, reference, referenceWcs),
    ] as [Float32Array, Float32Array, Float32Array];
  }, [
    on,
    by,
    gFit,
    bFit,
    reference,
    referenceWcs,
    gWcs,
    bWcs,
    gPixels.data,
    gPixels.fresh,
    bPixels.data,
    bPixels.fresh,
  ]);
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
          onChange={(e) => setOn(e.target.checked)}
          slotProps={{ input: { 'aria-label': 'RGB composite' } }}
        />
      }
      label="RGB"
      title={`Red: this frame; green and blue: two frames registered by ${referenceWcs ? 'WCS or stars' : 'stars (this frame has no WCS)'}`}
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
      <Typography variant="subtitle2">RGB composite (registered by {by === 'wcs' ? 'WCS' : 'stars'})</Typography>
      <Box sx={{ display: 'flex', gap: 1, my: 0.5 }}>
        {frameSelect(0, gId)}
        {frameSelect(1, bId)}
      </Box>
      <TextField
        select
        size="small"
        label="Register by"
        value={by}
        disabled={!referenceWcs}
        onChange={(e) => setBy(e.target.value as Registration)}
        sx={{ width: 150, my: 0.5 }}
        slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'rgb-register' } as object } }}
      >
        <MenuItem value="wcs">WCS</MenuItem>
        <MenuItem value="stars">stars</MenuItem>
      </TextField>
      {by === 'stars' && (
        <Typography
          variant="caption"
          component="div"
          data-testid="rgb-star-fit"
          data-g={gFit ? JSON.stringify(gFit) : ''}
          data-b={bFit ? JSON.stringify(bFit) : ''}
        >
          G: {registrationNote(gReg.fresh ? gReg.data : undefined)}
          <br />
          B: {registrationNote(bReg.fresh ? bReg.data : undefined)}
        </Typography>
      )}
      {[0, 1, 2].map((c) => (
        <Box key={c} sx={{ display: 'flex', gap: 1, my: 0.5 }}>
          {level(c, 'lo')}
          {level(c, 'hi')}
        </Box>
      ))}
      {!rgb && !starsFailed && <Typography variant="caption">Loading the green and blue frames…</Typography>}
    </Box>
  ) : null;
  return { rgb: on ? rgb : null, controls, panel };
}
