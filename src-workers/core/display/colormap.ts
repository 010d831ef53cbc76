/**
 * Colour maps from 8-bit levels to RGB: grey, inverted grey, heat, viridis (anchor points of
 * matplotlib's viridis, interpolated linearly; within 1 level of the original), and `red` for the
 * dark-adapted night mode (red on black).
 */

export type ColormapName = 'grey' | 'grey-inverted' | 'heat' | 'viridis' | 'red';
export const COLORMAPS: readonly ColormapName[] = ['grey', 'grey-inverted', 'heat', 'viridis', 'red'];

// viridis at 0, 1/8, …, 1 (matplotlib _viridis_data rows 0, 32, …, 255).
const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** A 256 × 3 lookup table (RGB per level). */
export function colormapLut(name: ColormapName): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let r: number;
    let g: number;
    let b: number;
    switch (name) {
      case 'grey-inverted':
        r = g = b = 255 - i;
        break;
      case 'heat':
        r = Math.min(255, i * 3);
        g = Math.min(255, Math.max(0, i * 3 - 255));
        b = Math.min(255, Math.max(0, i * 3 - 510));
        break;
      case 'viridis': {
        const t = (i / 255) * 8;
        const k = Math.min(7, Math.floor(t));
        const f = t - k;
        const [a, c] = [VIRIDIS[k], VIRIDIS[k + 1]];
        r = Math.round(a[0] + (c[0] - a[0]) * f);
        g = Math.round(a[1] + (c[1] - a[1]) * f);
        b = Math.round(a[2] + (c[2] - a[2]) * f);
        break;
      }
      case 'red':
        r = i;
        g = b = 0;
        break;
      default:
        r = g = b = i;
    }
    lut[3 * i] = r;
    lut[3 * i + 1] = g;
    lut[3 * i + 2] = b;
  }
  return lut;
}
