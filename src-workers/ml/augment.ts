/**
 * The eight symmetries of the square (identity, rot90×3, and their mirror images) applied to a planar
 * C×H×W stamp. Real/bogus and lens labels do not change under them, so training draws one per sample
 * per epoch (flips and rot90 augmentation). Codes 0–7: bit 2 = transpose, bit 1 = flip y, bit 0 = flip x
 * (applied after the transpose). Non-square stamps only take codes 0–3 (no transpose).
 */
export function dihedral(
  src: Float32Array,
  channels: number,
  height: number,
  width: number,
  code: number,
  out: Float32Array,
): Float32Array {
  if (code === 0) {
    out.set(src.subarray(0, channels * height * width));
    return out;
  }
  const transpose = (code & 4) !== 0 && height === width;
  const flipY = (code & 2) !== 0;
  const flipX = (code & 1) !== 0;
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const b = c * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const fx = flipX ? width - 1 - x : x;
        const fy = flipY ? height - 1 - y : y;
        // No destructuring swap here: it allocated an array per pixel (2 GB of garbage per epoch at 63²).
        out[b + y * width + x] = transpose ? src[b + fx * width + fy] : src[b + fy * width + fx];
      }
    }
  }
  return out;
}
