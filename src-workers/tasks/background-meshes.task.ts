import type { BackgroundMeshesInput, BackgroundMeshesOutput } from '../../src-main/common/tasks/detect.js';
import { meshEstimates } from '../core/background/index.js';

/** Raw background estimates of some mesh rows of a frame (see `core/background/background-model.ts`). */
export default async function backgroundMeshes(input: BackgroundMeshesInput): Promise<BackgroundMeshesOutput> {
  const image = { width: input.width, height: input.height, data: input.pixels };
  const options = { meshSizePx: input.meshSizePx, saturationLevel: input.saturationLevel, mask: input.mask };
  return meshEstimates(image, options, input.j0, input.j1);
}
