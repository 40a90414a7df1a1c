import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Main process and the headless CLI are built together: both import src-main/core, and the
// CLI must run in plain Node while index.ts runs in Electron.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      lib: {
        entry: {
          index: resolve('src-main/index.ts'),
          cli: resolve('src-main/headless/cli.ts'),
          // worker threads that build and restore backup segments (src-main/core/backup/segment-workers.ts)
          'backup-worker': resolve('src-main/core/backup/segment-worker.ts'),
        },
        formats: ['es'],
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      // Sandboxed preloads must be CommonJS and may only require 'electron'.
      lib: { entry: resolve('src-preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      minify: true,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
