import type { Image } from '../image/image.js';
import type { ApertureSum } from './aperture.js';

/**
 * Sum over an aperture of whole pixels (a box, ellipse or polygon region taken by its pixel centres, as
 * astropy-regions' `to_mask(mode='center')`): Σ (pixel − `background`) over the pixels of `image` whose
 * `inside(x, y)` is true within the bounds [x0, x1] × [y0, y1] (0-based, clipped to the frame). Every
 * pixel has weight 1; NaN pixels are skipped and mark the sum incomplete, as do bounds that leave the frame.
 * The result feeds `apertureSumError` like a circular aperture's.
 */
export function pixelSetSum(
  image: Image,
  bounds: { x0: number; x1: number; y0: number; y1: number },
  inside: (x: number, y: number) => boolean,
  background = 0,
): ApertureSum {
  const { width, height, data } = image;
  const result: ApertureSum = { sum: 0, area: 0, validArea: 0, positiveSum: 0, incomplete: false };
  const i0 = Math.ceil(bounds.x0);
  const i1 = Math.floor(bounds.x1);
  const j0 = Math.ceil(bounds.y0);
  const j1 = Math.floor(bounds.y1);
  for (let j = j0; j <= j1; j++)
    for (let i = i0; i <= i1; i++) {
      if (!inside(i, j)) continue;
      result.area++;
      if (i < 0 || j < 0 || i >= width || j >= height) {
        result.incomplete = true;
        continue;
      }
      const v = data[j * width + i];
      if (v !== v) {
        result.incomplete = true;
        continue;
      }
      const s = v - background;
      result.sum += s;
      if (s > 0) result.positiveSum += s;
      result.validArea++;
    }
  return result;
}
