import { InputError } from '../errors.js';

/**
 * Separable detection kernels. SExtractor's `gauss_3.0_5x5.conv` is a Gaussian of FWHM 3 px truncated at
 * ±2 px; `gaussianKernel1d(3)` reproduces that size (half-width round(0.7·FWHM), at least 1).
 */
export function gaussianKernel1d(fwhmPx: number): Float32Array {
  if (!Number.isFinite(fwhmPx) || fwhmPx <= 0) {
    throw new InputError('BAD_PARAMETER', `'filterFwhmPx' must be a positive finite number, got ${String(fwhmPx)}`);
  }
  const sigma = fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  const half = Math.max(1, Math.min(32, Math.round(0.7 * fwhmPx)));
  const k = new Float32Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + half] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** A square, odd-sized detection kernel (row-major), applied as a correlation by the matched filter. */
export interface FilterKernel {
  size: number;
  data: Float32Array;
}

const MAX_KERNEL_SIZE = 31;

/**
 * Parses a SExtractor filter file (`*.conv`, manual §"Filtering"): a first line `CONV NORM` (the kernel is
 * scaled to unit sum) or `CONV NONORM`, `#` comment lines, then rows of numbers forming a square kernel of
 * odd size up to 31. `fileName` names the source in messages.
 */
export function parseConvKernel(text: string, fileName = 'kernel'): FilterKernel {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const head = lines.shift() ?? '';
  const mode = /^CONV\s+(NORM|NONORM)\b/i.exec(head)?.[1]?.toUpperCase();
  if (!mode)
    throw new InputError(
      'BAD_KERNEL',
      `${fileName}: first line must be 'CONV NORM' or 'CONV NONORM', got '${head.slice(0, 40)}'`,
    );
  const rows = lines.filter((l) => !l.startsWith('#')).map((l) => l.split(/\s+/).map(Number));
  const size = rows.length;
  if (size === 0) throw new InputError('BAD_KERNEL', `${fileName}: no kernel rows`);
  if (size % 2 === 0 || size > MAX_KERNEL_SIZE) {
    throw new InputError(
      'BAD_KERNEL',
      `${fileName}: the kernel must be square with an odd size up to ${MAX_KERNEL_SIZE}, got ${size} rows`,
    );
  }
  const data = new Float32Array(size * size);
  rows.forEach((row, j) => {
    if (row.length !== size)
      throw new InputError('BAD_KERNEL', `${fileName}: row ${j + 1} has ${row.length} values, expected ${size}`);
    row.forEach((v, i) => {
      if (!Number.isFinite(v))
        throw new InputError('BAD_KERNEL', `${fileName}: row ${j + 1} holds a value that is not a number`);
      data[j * size + i] = v;
    });
  });
  if (mode === 'NORM') {
    let sum = 0;
    for (const v of data) sum += v;
    if (sum === 0) throw new InputError('BAD_KERNEL', `${fileName}: CONV NORM kernel sums to zero`);
    for (let i = 0; i < data.length; i++) data[i] /= sum;
  }
  return { size, data };
}

/** Checks a kernel given in code (odd square size, finite values), naming the parameter in errors. */
export function validateFilterKernel(kernel: FilterKernel): FilterKernel {
  const { size, data } = kernel;
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0 || size > MAX_KERNEL_SIZE || data.length !== size * size) {
    throw new InputError(
      'BAD_PARAMETER',
      `'filterKernel' must be a square odd-sized kernel up to ${MAX_KERNEL_SIZE}×${MAX_KERNEL_SIZE}`,
    );
  }
  for (const v of data)
    if (!Number.isFinite(v)) throw new InputError('BAD_PARAMETER', `'filterKernel' holds a value that is not finite`);
  return kernel;
}
