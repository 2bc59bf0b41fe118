import type { ChatModel } from '../core/chat-model.ts';
import { DistillError } from '../core/errors/distill-error.ts';
import { createServer, type ServerOptions } from './app.ts';
import { type ListenOptions, listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';
import { ensureWebBuild, hasWebBuild, WEB_DIST, webBuildIsStale } from './web-ui.ts';

export interface ServeOptions extends Omit<ServerOptions, 'registry'>, ListenOptions {
  /** Models to serve, each under its name. */
  models: { name: string; model: ChatModel }[];
  /** Generations running at once per model. Defaults to 4. */
  concurrency?: number;
  /** Requests allowed to wait per model before 429. Defaults to 256. */
  maxWaiting?: number;
  /** Build `web/dist` with Vite when it is missing or older than `web/src`. Defaults to true. */
  buildWeb?: boolean;
  /** Non-fatal problems (e.g. the UI could not be built). Defaults to ignoring them. */
  onWarning?: (message: string) => void;
}

export interface ServeHandle extends RunningServer {
  models: string[];
  /** `ready`: UI served at `/`; `missing`: `/` explains how to build it; `disabled`: no UI. */
  web: 'ready' | 'missing' | 'disabled';
}

/** Register the models, make sure the web UI is built, and listen. Close with `handle.close()`. */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const { models, concurrency, maxWaiting, buildWeb, onWarning, host, port, ...serverOptions } = options;
  const registry = new ModelRegistry({ concurrency: concurrency ?? 4, maxWaiting: maxWaiting ?? 256 });
  for (const { name, model } of models) registry.add(name, model);
  let web: ServeHandle['web'] = 'disabled';
  if (serverOptions.webRoot !== false) {
    const root = serverOptions.webRoot ?? WEB_DIST;
    if (buildWeb !== false && serverOptions.webRoot === undefined && webBuildIsStale()) {
      try {
        await ensureWebBuild();
      } catch (error) {
        onWarning?.(DistillError.isInstance(error) ? error.toLine() : String(error));
      }
    }
    web = hasWebBuild(root) ? 'ready' : 'missing';
  }
  // The name bound with --host (e.g. `gpu.lan`) is one the user chose, so it passes the Host check too.
  const allowedHosts = [...(serverOptions.allowedHosts ?? []), ...(host ? [host] : [])];
  const { app } = createServer({ registry, ...serverOptions, allowedHosts });
  const running = await listen(app, { ...(host ? { host } : {}), ...(port !== undefined ? { port } : {}) });
  return { ...running, models: models.map((m) => m.name), web };
}
