import { Box, Button, FormControlLabel, MenuItem, Switch, TextField } from '@mui/material';
import type { ReactNode } from 'react';
import type { FrameRow } from '../../../src-main/common/workbench-dto.js';
import { COLORMAPS, STRETCHES, type Limits } from '../../components/display/index.js';
import { blinkCandidates } from './blink-candidates.js';
import type { DisplayControls, LimitsMode } from './useDisplay.js';

export interface ToolbarProps {
  frames: FrameRow[];
  frameId: number | null;
  onFrame: (id: number) => void;
  blinkId: number | null;
  onBlinkFrame: (id: number | null) => void;
  autoBlink: boolean;
  onAutoBlink: (on: boolean) => void;
  controls: DisplayControls;
  onControls: (update: Partial<DisplayControls>) => void;
  limits: Limits;
  overlays: boolean;
  onOverlays: (on: boolean) => void;
  onFit: () => void;
  onOneToOne: () => void;
  onRegions: (text: string) => void;
  night: boolean;
}

const select = (
  label: string,
  value: string,
  options: readonly string[],
  onChange: (v: string) => void,
  testId: string,
  width = 110,
): ReactNode => (
  <TextField
    select
    label={label}
    value={value}
    onChange={(e) => onChange(e.target.value)}
    sx={{ width }}
    slotProps={{ select: { SelectDisplayProps: { 'data-testid': testId } as object } }}
  >
    {options.map((o) => (
      <MenuItem key={o} value={o}>
        {o}
      </MenuItem>
    ))}
  </TextField>
);

/** Frame, stretch, limits, colour map, overlays and blink controls of the viewer. */
export function Toolbar(p: ToolbarProps): ReactNode {
  const { controls } = p;
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', mb: 1 }}>
      <TextField
        select
        label="Frame"
        value={p.frameId ?? ''}
        onChange={(e) => p.onFrame(Number(e.target.value))}
        sx={{ width: 220 }}
      >
        {p.frames.map((f) => (
          <MenuItem key={f.id} value={f.id}>
            {f.id}: {f.fileName}
          </MenuItem>
        ))}
      </TextField>
      {select(
        'Stretch',
        controls.stretch,
        STRETCHES,
        (v) => p.onControls({ stretch: v as DisplayControls['stretch'] }),
        'stretch-select',
      )}
      {select(
        'Limits',
        controls.limitsMode,
        ['zscale', 'percentile', 'minmax', 'manual'],
        (v) => p.onControls({ limitsMode: v as LimitsMode, manual: p.limits }),
        'limits-select',
      )}
      {controls.limitsMode === 'percentile' && (
        <TextField
          label="%"
          type="number"
          value={controls.percentile}
          onChange={(e) => p.onControls({ percentile: Math.min(100, Math.max(50, Number(e.target.value))) })}
          sx={{ width: 80 }}
        />
      )}
      <TextField
        label="Low"
        type="number"
        value={Number(p.limits.lo.toPrecision(6))}
        disabled={controls.limitsMode !== 'manual'}
        onChange={(e) => p.onControls({ manual: { ...controls.manual, lo: Number(e.target.value) } })}
        sx={{ width: 100 }}
      />
      <TextField
        label="High"
        type="number"
        value={Number(p.limits.hi.toPrecision(6))}
        disabled={controls.limitsMode !== 'manual'}
        onChange={(e) => p.onControls({ manual: { ...controls.manual, hi: Number(e.target.value) } })}
        sx={{ width: 100 }}
      />
      {select(
        'Colour map',
        p.night ? 'red' : controls.colormap,
        p.night ? ['red'] : COLORMAPS,
        (v) => p.onControls({ colormap: v as DisplayControls['colormap'] }),
        'colormap-select',
      )}
      <FormControlLabel
        control={<Switch checked={controls.invert} onChange={(e) => p.onControls({ invert: e.target.checked })} />}
        label="Invert"
      />
      <FormControlLabel
        control={<Switch checked={p.overlays} onChange={(e) => p.onOverlays(e.target.checked)} />}
        label="Detections"
      />
      <TextField
        select
        label="Blink with"
        value={p.blinkId ?? ''}
        onChange={(e) => p.onBlinkFrame(e.target.value === '' ? null : Number(e.target.value))}
        sx={{ width: 160 }}
      >
        <MenuItem value="">none</MenuItem>
        {blinkCandidates(
          p.frames,
          p.frames.find((f) => f.id === p.frameId),
        ).map((f) => (
          <MenuItem key={f.id} value={f.id}>
            {f.id}: {f.fileName}
          </MenuItem>
        ))}
      </TextField>
      <FormControlLabel
        control={
          <Switch
            checked={p.autoBlink}
            disabled={p.blinkId === null}
            onChange={(e) => p.onAutoBlink(e.target.checked)}
          />
        }
        label="Auto blink"
        title="Alternate the two frames every 0.7 s (B blinks by hand)"
      />
      <Button onClick={p.onFit} variant="outlined">
        Fit (F)
      </Button>
      <Button onClick={p.onOneToOne} variant="outlined" title="One image pixel per screen pixel (1)">
        1:1
      </Button>
      <Button component="label" variant="outlined">
        DS9 regions…
        <input
          hidden
          type="file"
          accept=".reg,.txt"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(p.onRegions);
          }}
        />
      </Button>
    </Box>
  );
}
