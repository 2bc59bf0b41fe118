import { defineConfig } from 'vite';

/**
 * The Distill web UI. `npm run build:web` writes `web/dist/`, which `distill serve` serves at `/`.
 * `npx vite web` runs a dev server that proxies the API to a `distill serve` on port 8080.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/health': 'http://127.0.0.1:8080',
    },
  },
});
