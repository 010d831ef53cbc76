import type { DetectTileInput, DetectTileOutput } from '../../src-main/common/tasks/detect.js';
import { detectRegion } from '../core/detect/index.js';

/** Detects and measures the objects of one strip of a frame (see `core/detect/detect-region.ts`). */
export default async function detectTile(input: DetectTileInput): Promise<DetectTileOutput> {
  const image = { width: input.width, height: input.height, data: input.pixels };
  return detectRegion(
    image,
    input.geometry,
    input.model,
    { ...input.options, mask: input.mask },
    input.own,
    input.targetKey,
  );
}
