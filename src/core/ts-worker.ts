import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const tsxApi = pathToFileURL(
  join(
    dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
    'dist',
    'esm',
    'api',
    'index.mjs',
  ),
).href;

/**
 * The URL to start a TypeScript module as a worker thread (`new Worker(tsWorkerUrl(file))`): a tiny ES module that
 * registers tsx in the worker, then imports `file` (a file URL, e.g. `new URL('./x-worker.ts', import.meta.url)`).
 * The repository runs from source through tsx (bin/distill.mjs), and a worker does not inherit the parent's loader.
 */
export function tsWorkerUrl(file: URL): URL {
  return new URL(
    `data:text/javascript,${encodeURIComponent(
      `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(file.href)});`,
    )}`,
  );
}
