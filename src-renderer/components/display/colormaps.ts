export type ColormapName = 'gray' | 'heat' | 'viridis' | 'cool' | 'red';
export const COLORMAPS: ColormapName[] = ['gray', 'heat', 'viridis', 'cool', 'red'];

// Control points (position, r, g, b) interpolated linearly into 256 entries.
const STOPS: Record<ColormapName, Array<[number, number, number, number]>> = {
  gray: [
    [0, 0, 0, 0],
    [1, 255, 255, 255],
  ],
  heat: [
    [0, 0, 0, 0],
    [0.35, 180, 20, 0],
    [0.7, 255, 170, 0],
    [1, 255, 255, 255],
  ],
  viridis: [
    [0, 68, 1, 84],
    [0.25, 59, 82, 139],
    [0.5, 33, 145, 140],
    [0.75, 94, 201, 98],
    [1, 253, 231, 37],
  ],
  cool: [
    [0, 0, 0, 0],
    [0.5, 30, 90, 200],
    [1, 200, 240, 255],
  ],
  // For night mode: black to red only.
  red: [
    [0, 0, 0, 0],
    [1, 255, 0, 0],
  ],
};

const cache = new Map<ColormapName, Uint8Array>();

/** 256 × RGB table of a colour map. */
export function colormapLut(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const stops = STOPS[name] ?? STOPS.gray;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < stops.length - 2 && t > stops[k + 1][0]) k++;
    const [p0, r0, g0, b0] = stops[k];
    const [p1, r1, g1, b1] = stops[k + 1];
    const f = p1 > p0 ? Math.min(1, Math.max(0, (t - p0) / (p1 - p0))) : 0;
    lut[i * 3] = Math.round(r0 + f * (r1 - r0));
    lut[i * 3 + 1] = Math.round(g0 + f * (g1 - g0));
    lut[i * 3 + 2] = Math.round(b0 + f * (b1 - b0));
  }
  cache.set(name, lut);
  return lut;
}
