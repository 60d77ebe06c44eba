/**
 * One config, a section per process. `main` builds every Node-side entry (the Electron shell,
 * browser mode, and later the CLI and the kernel process); `preload` builds the sandboxed bridge
 * as CommonJS (sandboxed preloads cannot be ES modules); `renderer` builds the UI with Monaco and
 * Plotly bundled, so nothing is fetched at run time.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { tfjsTypes } from './scripts/tfjs-types-plugin';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/electron/index.ts'),
          web: resolve(import.meta.dirname, 'main/web/index.ts'),
          cli: resolve(import.meta.dirname, 'main/cli/index.ts'),
          kernel: resolve(import.meta.dirname, 'kernels/main.ts'),
          'kernel-watchdog': resolve(import.meta.dirname, 'kernels/watchdog.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    base: './',
    plugins: [tfjsTypes(import.meta.dirname)],
    worker: { format: 'es' },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 8000,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'renderer/index.html') },
      },
    },
  },
});
