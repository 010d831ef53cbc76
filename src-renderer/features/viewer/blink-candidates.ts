import type { FrameRow } from '../../../src-main/common/workbench-dto.js';

const CALIBRATION = new Set(['bias', 'dark', 'flat']);

/**
 * Frames worth blinking against `current`: science frames (not bias, dark or flat: blinking a light
 * frame against a flat shows nothing useful) of the same size in pixels, since blinking maps pixel
 * to pixel. Master calibration frames carry their kind in `imageType` too (`core/calibrate/frame-info`).
 */
export function blinkCandidates(frames: readonly FrameRow[], current: FrameRow | undefined): FrameRow[] {
  if (!current) return [];
  return frames.filter(
    (f) =>
      f.id !== current.id &&
      !CALIBRATION.has(f.imageType.toLowerCase()) &&
      f.width === current.width &&
      f.height === current.height,
  );
}
