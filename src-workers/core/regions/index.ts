export * from './ds9-write.js';
