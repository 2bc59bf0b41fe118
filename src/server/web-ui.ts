import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { SetupError } from '../core/errors/setup-error.ts';

/** The `web/` folder of this checkout (sources and `dist/`). */
export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web');

/** Where `npm run build:web` writes the UI. */
export const WEB_DIST = join(WEB_DIR, 'dist');

/** True when a built UI is present in `root`. */
export function hasWebBuild(root = WEB_DIST): boolean {
  return existsSync(join(root, 'index.html'));
}

/** Newest modification time (ms) of the UI sources, or 0 when they are not present (installed package). */
function newestSourceMtime(webDir: string): number {
  const files = ['index.html', 'vite.config.ts'].map((f) => join(webDir, f));
  const src = join(webDir, 'src');
  if (existsSync(src)) files.push(...readdirSync(src).map((f) => join(src, f)));
  return Math.max(0, ...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

/** True when `web/dist` is missing, or older than the UI sources next to it. */
export function webBuildIsStale(webDir = WEB_DIR): boolean {
  const index = join(webDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  return newestSourceMtime(webDir) > statSync(index).mtimeMs;
}

/**
 * Build the web UI with Vite when `web/dist` is missing or older than its sources (first `distill serve`). Vite is a dev dependency:
 * without it this throws a SetupError saying how to build the UI.
 */
export async function ensureWebBuild(options: { webDir?: string } = {}): Promise<{ built: boolean }> {
  const webDir = options.webDir ?? WEB_DIR;
  if (!webBuildIsStale(webDir)) return { built: false };
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (cause) {
    throw new SetupError('The web UI is not built and Vite is not installed', {
      cause,
      hint: 'run `npm install` then `npm run build:web` in the Distill checkout',
    });
  }
  // Build beside dist/ and swap it in, so concurrent `distill serve` starts never serve a half-written UI.
  const dist = join(webDir, 'dist');
  const staging = join(webDir, `.dist-${process.pid}-${Date.now()}`);
  try {
    await vite.build({
      root: webDir,
      configFile: join(webDir, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    rmSync(dist, { recursive: true, force: true });
    renameSync(staging, dist);
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    // Another process may have swapped in its build first: that one is as good as ours.
    if (hasWebBuild(dist) && !webBuildIsStale(webDir)) return { built: false };
    throw new SetupError(`Building the web UI failed: ${(cause as Error).message}`, {
      cause,
      hint: 'run `npm run build:web` to see the full error',
    });
  }
  return { built: true };
}

const MISSING_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Distill: web UI not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The Distill web UI is not built</h1>
<p>The API works (try <code>GET /v1/models</code>), but <code>web/dist/</code> is missing.</p>
<p>Build it once with <code>npm run build:web</code> in the Distill checkout, then reload this page.</p>
</body></html>`;

/** Serve the built UI at `/`, or a page explaining how to build it (503) when `root` has none. */
export function mountWebUi(app: Hono, root: string): void {
  app.get('*', async (c, next) => {
    if (hasWebBuild(root)) return next();
    if (c.req.path !== '/' && c.req.path !== '/index.html') return next();
    return c.html(MISSING_PAGE, 503);
  });
  app.use(
    '*',
    serveStatic({
      root: relative(process.cwd(), root) || '.',
      onFound: (path, c) => {
        c.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
}
