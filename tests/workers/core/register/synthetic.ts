/** Synthetic star fields rendered through a known transform, for registration tests. */
import type { Image } from '../../../../src-workers/core/image/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { applyAffine, type Affine } from '../../../../src-workers/core/register/index.js';

export interface Scene {
  x: number[];
  y: number[];
  flux: number[];
}

export function scene(seed: number, width: number, height: number, stars: number): Scene {
  const rng = createRng(seed);
  const s: Scene = { x: [], y: [], flux: [] };
  for (let i = 0; i < stars; i++) {
    s.x.push(-20 + rng.next() * (width + 40));
    s.y.push(-20 + rng.next() * (height + 40));
    s.flux.push(3000 * Math.exp(3 * rng.next()));
  }
  return s;
}

/** Renders `sc` (reference coordinates) as seen in a frame whose pixels relate by `refToFrame`. */
export function render(sc: Scene, refToFrame: Affine, width: number, height: number, seed: number, noise = 5): Image {
  const rng = createRng(seed);
  const data = new Float32Array(width * height);
  const sigma = 1.4;
  for (let i = 0; i < sc.x.length; i++) {
    const [cx, cy] = applyAffine(refToFrame, sc.x[i], sc.y[i]);
    const norm = sc.flux[i] / (2 * Math.PI * sigma * sigma);
    for (let y = Math.max(0, Math.floor(cy - 7)); y <= Math.min(height - 1, Math.ceil(cy + 7)); y++) {
      for (let x = Math.max(0, Math.floor(cx - 7)); x <= Math.min(width - 1, Math.ceil(cx + 7)); x++) {
        data[y * width + x] += norm * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i] += 100 + noise * rng.normal();
  return { width, height, data };
}

/** Rotation by `deg` about the image centre, then a shift — the bench's light-frame model. */
export function aboutCentre(width: number, height: number, dx: number, dy: number, deg: number, scale = 1): Affine {
  const th = (deg * Math.PI) / 180;
  const cos = scale * Math.cos(th);
  const sin = scale * Math.sin(th);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return { a: cos, b: -sin, c: sin, d: cos, tx: cx - cos * cx + sin * cy + dx, ty: cy - sin * cx - cos * cy + dy };
}
