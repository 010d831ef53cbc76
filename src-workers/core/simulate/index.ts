export * from './star-field.js';
