/**
 * Per-plane stamp normalisation, the same at training and scoring time: subtract the plane's median,
 * divide by its robust σ (1.4826 × MAD; the standard deviation when the MAD is 0, 1 when both are), and
 * compress with asinh so that a cosmic ray thousands of σ high keeps its shape without dominating.
 * Non-finite pixels (NaN blanks) become 0, the median. Writes into `out` (C×H×W), returns it.
 */
export function normalizeStamp(src: Float32Array, channels: number, plane: number, out: Float32Array): Float32Array {
  const scratch = new Float64Array(plane);
  for (let c = 0; c < channels; c++) {
    const b = c * plane;
    let n = 0;
    for (let i = 0; i < plane; i++) {
      const v = src[b + i];
      if (Number.isFinite(v)) scratch[n++] = v;
    }
    if (n === 0) {
      out.fill(0, b, b + plane);
      continue;
    }
    const values = scratch.subarray(0, n);
    values.sort();
    const med = n % 2 ? values[(n - 1) / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i];
    mean /= n;
    let varSum = 0;
    for (let i = 0; i < n; i++) {
      varSum += (values[i] - mean) ** 2;
      values[i] = Math.abs(values[i] - med);
    }
    values.sort();
    const mad = n % 2 ? values[(n - 1) / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    const std = Math.sqrt(varSum / n);
    const sigma = mad > 0 ? 1.4826 * mad : std > 0 ? std : 1;
    for (let i = 0; i < plane; i++) {
      const v = src[b + i];
      out[b + i] = Number.isFinite(v) ? Math.asinh((v - med) / sigma) : 0;
    }
  }
  return out;
}
