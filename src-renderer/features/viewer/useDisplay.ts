import { useMemo } from 'react';
import { useViewState } from '../../app/view-state.js';
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import {
  minMaxLimits,
  percentileLimits,
  samplePixels,
  zscaleLimits,
  type ColormapName,
  type DisplaySettings,
  type Limits,
  type StretchName,
} from '../../components/display/index.js';

export type LimitsMode = 'zscale' | 'percentile' | 'minmax' | 'manual';

export interface DisplayControls {
  stretch: StretchName;
  colormap: ColormapName;
  invert: boolean;
  limitsMode: LimitsMode;
  percentile: number;
  manual: Limits;
}

export const DEFAULT_CONTROLS: DisplayControls = {
  stretch: 'linear',
  colormap: 'grey',
  invert: false,
  limitsMode: 'zscale',
  percentile: 99.5,
  manual: { lo: 0, hi: 1000 },
};

/** Turns the toolbar's controls and the frame's pixel sample into the renderer's display settings. */
export function useDisplay(
  pixels: PixelsDto | undefined,
  night: boolean,
): {
  controls: DisplayControls;
  setControls: (update: Partial<DisplayControls>) => void;
  settings: DisplaySettings | null;
  sample: Float32Array;
  auto: Limits;
} {
  const [controls, set] = useViewState<DisplayControls>('viewer.controls', DEFAULT_CONTROLS);
  const sample = useMemo(() => (pixels ? samplePixels(pixels.data, 50_000) : new Float32Array()), [pixels]);
  const auto = useMemo(() => {
    switch (controls.limitsMode) {
      case 'percentile':
        return percentileLimits(sample, 100 - controls.percentile, controls.percentile);
      case 'minmax':
        return pixels ? minMaxLimits(pixels.data) : { lo: 0, hi: 1 };
      case 'manual':
        return controls.manual;
      default:
        // zscale samples and sorts anyway: feeding it the sorted 50 000-pixel sample is equivalent and
        // avoids two passes over a 16-Mpixel frame.
        return pixels ? zscaleLimits(sample) : { lo: 0, hi: 1 };
    }
  }, [pixels, sample, controls.limitsMode, controls.percentile, controls.manual]);
  const settings = useMemo<DisplaySettings | null>(
    () =>
      pixels
        ? {
            stretch: controls.stretch,
            colormap: night ? 'red' : controls.colormap,
            invert: controls.invert,
            limits: auto,
          }
        : null,
    [pixels, controls.stretch, controls.colormap, controls.invert, auto, night],
  );
  return { controls, setControls: (u) => set((c) => ({ ...c, ...u })), settings, sample, auto };
}
