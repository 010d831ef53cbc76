// Entry of the synth kernels' WebAssembly module (built by scripts/build-kernels.mjs). Memory is
// managed by the host (instance.ts): it allocates above `heapBase()` and passes addresses.
export { addNormalNoise } from './noise.as';
export { addArcs } from './arcs.as';
export { adler32, gray8Scanlines, packLiterals, pendingBits, pendingCount } from './png.as';

export function heapBase(): usize {
  return __heap_base;
}
