// Entry of the calibration kernels' WebAssembly module (built by scripts/build-kernels.mjs). Memory is
// managed by the host (median-kernel.ts): it lays its buffers out above `heapBase()`.
export { medianColumns } from './median.as';

export function heapBase(): usize {
  return __heap_base;
}
