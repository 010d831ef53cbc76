// Entry of the WCS kernels' WebAssembly module (built by scripts/build-kernels.mjs). Memory is managed by
// the host (batch-tan-simd.ts): it lays its parameters and chunk buffers out above `heapBase()`.
export { tanSipChunk } from './tan-sip.as';

export function heapBase(): usize {
  return __heap_base;
}
