/**
 * Vite build of the browser editor: `npm run build:editor` writes `graph-editor/dist/`, which the server serves at
 * `/`. `vite --config graph-editor/vite.config.ts` runs a dev server that proxies the API to a perceptgraph server
 * on PERCEPTGRAPH_URL (default http://127.0.0.1:8188).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.PERCEPTGRAPH_URL ?? 'http://127.0.0.1:8188';
const apiRoutes = ['/object_info', '/prompt', '/queue', '/history', '/interrupt', '/view', '/upload', '/workflows', '/api'];

export default defineConfig({
  root,
  // Relative asset URLs, so the bundle works wherever the server mounts it.
  base: './',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: {
      ...Object.fromEntries(apiRoutes.map((r) => [r, { target }])),
      '/ws': { target, ws: true },
    },
  },
});
