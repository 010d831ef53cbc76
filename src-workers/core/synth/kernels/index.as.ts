// Entry of the synth kernels' WebAssembly module (built by scripts/build-kernels.mjs). Memory is
// managed by the host (instance.ts): it allocates above `heapBase()` and passes addresses.
export { addNormalNoise } from './noise.as';
export { addGalaxy } from './galaxy.as';
export { addArcs } from './arcs.as';
export { gray8Scanlines } from './png.as';
export { deflate, HISTOGRAM } from './deflate.as';
export { adler32 } from './adler32.as';
export { codeLengths } from './huffman.as';
export { parityImage } from './parity-image.as';
export { float32BigEndian, onesComplementSum32 } from './fits.as';

export function heapBase(): usize {
  return __heap_base;
}
