export * from './star-field.js';
export * from './night.js';
