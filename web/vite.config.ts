import { defineConfig, type ProxyOptions } from 'vite';

/** `distill serve` on its default port, which `npx vite web` proxies the API to. */
const API = 'http://127.0.0.1:8080';

/**
 * `distill serve` refuses other Host names and other Origins (DNS rebinding, cross-site requests). The proxy sends
 * the server's own Host, and presents the UI's own requests (Origin = this dev server) as same-origin; requests from
 * any other origin keep their Origin and are refused as they would be without the proxy.
 */
const proxy: ProxyOptions = {
  target: API,
  changeOrigin: true,
  configure: (server) =>
    server.on('proxyReq', (proxyReq, req) => {
      const { origin, host } = req.headers;
      if (origin && host && URL.canParse(origin) && new URL(origin).host === host)
        proxyReq.setHeader('origin', API);
    }),
};

/**
 * The Distill web UI. `npm run build:web` writes `web/dist/`, which `distill serve` serves at `/`.
 * `npx vite web` runs a dev server that proxies the API to a `distill serve` on port 8080.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: { proxy: { '/v1': proxy, '/api': proxy, '/health': proxy } },
});
