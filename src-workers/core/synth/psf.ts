/**
 * Point-spread functions as normalised pixel kernels and a "valid" 2-D convolution. Moffat (1969):
 * I ∝ (1 + r²/α²)^−β with α = FWHM / (2√(2^{1/β} − 1)); Gaussian: σ = FWHM / 2√(2 ln 2). Kernels are
 * sampled at pixel centres on a (2r+1)² grid and normalised to sum 1 over it.
 */
export function psfKernel(
  kind: 'gaussian' | 'moffat',
  fwhmPx: number,
  beta: number,
): { kernel: Float64Array; radius: number } {
  const radius = Math.max(1, Math.ceil((kind === 'gaussian' ? 2 : 3) * fwhmPx));
  const size = 2 * radius + 1;
  const kernel = new Float64Array(size * size);
  const sigma = fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  const alpha = fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
  let sum = 0;
  for (let y = -radius; y <= radius; y++) {
    for (let x = -radius; x <= radius; x++) {
      const r2 = x * x + y * y;
      const v = kind === 'gaussian' ? Math.exp(-r2 / (2 * sigma * sigma)) : Math.pow(1 + r2 / (alpha * alpha), -beta);
      kernel[(y + radius) * size + x + radius] = v;
      sum += v;
    }
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return { kernel, radius };
}

/**
 * Convolves `src` (`width`×`height`, which must extend `radius` pixels beyond the output on every side)
 * with a (2·radius+1)² kernel and returns the (width−2r)×(height−2r) interior: no edge assumptions.
 */
export function convolveValid(
  src: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  radius: number,
): Float64Array {
  const ow = width - 2 * radius;
  const oh = height - 2 * radius;
  const size = 2 * radius + 1;
  const out = new Float64Array(ow * oh);
  for (let ky = 0; ky < size; ky++) {
    for (let kx = 0; kx < size; kx++) {
      const w = kernel[ky * size + kx];
      if (w === 0) continue;
      for (let y = 0; y < oh; y++) {
        const from = (y + ky) * width + kx;
        const to = y * ow;
        for (let x = 0; x < ow; x++) out[to + x] += w * src[from + x];
      }
    }
  }
  return out;
}
