// Public surface of the synthetic-dataset generator (pure, seeded).
export * from './config.js';
export * from './plan.js';
export * from './parity.js';
export * from './sample.js';
export * from './metadata.js';
export { gaussianBlur, blurInto, gaussianKernel } from './blur.js';
export { encodePngGray8, decodePngGray8, storedZlib, crc32, adler32, type Deflate, type Inflate } from './png.js';
export * from './physical.js';
export { sersicB, sersicIe, sersicEvaluator, gamma, type SersicProfile } from './sersic.js';
export { sieTracer, type SieShear } from './sie.js';
export { psfKernel, convolveValid } from './psf.js';
export * from './inject.js';
