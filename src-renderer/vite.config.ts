import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// No `node:` imports here: this folder is linted as renderer code. Vite resolves `outDir` against `root`.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

// The renderer is served by `owb serve` and loaded by Electron from disk: relative asset URLs work for both.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    target: 'es2022',
  },
});
