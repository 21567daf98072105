// Builds the browser pages into web/dist; the service serves them from its own origin.
import { defineConfig } from 'vite';
import path from 'node:path';

export default defineConfig({
  root: 'web',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: path.resolve('web/index.html'),
        admin: path.resolve('web/admin.html'),
      },
    },
  },
});
