import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Store } from '../store/store.ts';
import { apiKeyAuth } from './auth.ts';
import { chatCompletions } from './chat-completions.ts';
import { completions } from './completions.ts';
import { hostGuard } from './host-guard.ts';
import { InFlightRequests } from './in-flight.ts';
import { requireJsonBody } from './json-content-type.ts';
import { DEFAULT_EFFORT_BUDGETS, type EffortBudgets } from './map-request.ts';
import type { ModelRegistry } from './model-registry.ts';
import { HttpError, toHttpError } from './openai-error.ts';
import type { ReasoningFormat } from './openai-schema.ts';
import { originGuard } from './origin-guard.ts';
import { studioApi } from './studio-api.ts';
import { mountWebUi, WEB_DIST } from './web-ui.ts';

export interface ServerOptions {
  /** The models to serve, by name. */
  registry: ModelRegistry;
  /** Required on every `/v1` route when set. Defaults to no key. */
  apiKey?: string;
  /**
   * Origins other than the server's own that browsers may call from (`['*']` for any). Defaults to none: requests
   * with any other `Origin` get 403, and no CORS headers are sent.
   */
  corsOrigins?: string[];
  /**
   * Host names accepted in the `Host` header besides `localhost` and IP literals (`.example.com` for a domain and
   * its subdomains, `all` to turn the check off). Other hosts get 403: this stops DNS rebinding. Defaults to none.
   */
  allowedHosts?: string[];
  /** How reasoning is returned unless a request says otherwise. Defaults to `reasoning_content`. */
  reasoningFormat?: ReasoningFormat;
  /** Thinking budgets per `reasoning_effort`. Defaults to {@link DEFAULT_EFFORT_BUDGETS}. */
  effortBudgets?: Partial<EffortBudgets>;
  /** Largest request body in bytes. Defaults to 4 MiB. */
  maxBodyBytes?: number;
  /** Largest `max_tokens` a request may ask for. Defaults to 32768. */
  maxTokensLimit?: number;
  /** Folder of the built web UI, or false to serve none. Defaults to `web/dist` of this checkout. */
  webRoot?: string | false;
  /**
   * The store the Studio API (`/api/runs`, `/api/runs/:id/samples`) reads; open it read-only. Without one those
   * routes answer 404 `no_store`.
   */
  store?: Store;
  /** Receives one access-log line per request (`POST /v1/chat/completions 200 12ms`). Defaults to no log. */
  log?: (line: string) => void;
}

/** A built server app plus the live state routes share. */
export interface DistillServer {
  app: Hono;
  registry: ModelRegistry;
  inFlight: InFlightRequests;
}

function errorResponse(error: HttpError): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...error.headers },
  });
}

/**
 * The OpenAI-compatible reasoning server as a Hono app (test it in-process with `app.request()`).
 * Routes: `GET /health`, `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions`,
 * `POST /v1/distill/answer-now/:id`, the Studio API `GET /api/runs`, `GET /api/runs/:id/samples`, and the web UI at `/`.
 */
export function createServer(options: ServerOptions): DistillServer {
  const { registry } = options;
  const inFlight = new InFlightRequests();
  const app = new Hono();

  app.onError((error) => errorResponse(toHttpError(error)));
  app.notFound((c) =>
    errorResponse(
      new HttpError(404, `No route for ${c.req.method} ${c.req.path}`, { code: 'unknown_route' }),
    ),
  );

  const log = options.log;
  if (log)
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      const stream = c.res.headers.get('content-type')?.startsWith('text/event-stream') ? ' (stream)' : '';
      log(
        `${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms${stream}`,
      );
    });

  // Before every route: DNS rebinding (Host) and cross-site requests (Origin) never reach a model or the UI.
  app.use('*', hostGuard(options.allowedHosts), originGuard(options.corsOrigins));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const origins = options.corsOrigins;
    app.use(
      '*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: ['Authorization', 'Content-Type', 'X-Api-Key'],
        exposeHeaders: ['X-Request-Id'],
        maxAge: 600,
      }),
    );
  }

  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      models: registry.list().map((m) => ({
        id: m.name,
        running: m.queue.running,
        waiting: m.queue.waiting,
        concurrency: m.queue.concurrency,
      })),
      inFlight: inFlight.size,
    }),
  );

  if (options.apiKey) app.use('/v1/*', apiKeyAuth(options.apiKey));
  // The Studio API: read-only (GET only), behind the same key as /v1.
  if (options.apiKey) app.use('/api/*', apiKeyAuth(options.apiKey));
  app.route('/api', studioApi(options.store));
  app.use('/v1/*', requireJsonBody());
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () =>
        errorResponse(
          new HttpError(413 as ContentfulStatusCode, `Request body is larger than ${maxBodyBytes} bytes`, {
            code: 'request_too_large',
          }),
        ),
    }),
  );

  app.get('/v1/models', (c) =>
    c.json({
      object: 'list',
      data: registry
        .list()
        .map((m) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'distill' })),
    }),
  );
  app.get('/v1/models/:id{.+}', (c) => {
    const m = registry.get(c.req.param('id'));
    return c.json({ id: m.name, object: 'model', created: m.created, owned_by: 'distill' });
  });

  app.post(
    '/v1/chat/completions',
    chatCompletions({
      registry,
      inFlight,
      reasoningFormat: options.reasoningFormat ?? 'reasoning_content',
      effortBudgets: { ...DEFAULT_EFFORT_BUDGETS, ...options.effortBudgets },
      maxTokensLimit: options.maxTokensLimit ?? 32768,
    }),
  );

  app.post('/v1/completions', completions({ registry, maxTokensLimit: options.maxTokensLimit ?? 32768 }));

  app.post('/v1/distill/answer-now/:id', (c) => {
    const id = c.req.param('id');
    if (!inFlight.answerNow(id))
      throw new HttpError(404, `No request '${id}' is being generated`, {
        param: 'id',
        code: 'request_not_found',
      });
    return c.json({ id, object: 'distill.answer_now', ok: true });
  });

  if (options.webRoot !== false) mountWebUi(app, options.webRoot ?? WEB_DIST);
  return { app, registry, inFlight };
}
