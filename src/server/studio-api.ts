import { Hono } from 'hono';
import type { z } from 'zod';
import type { Store } from '../store/store.ts';
import { HttpError } from './openai-error.ts';
import { CompareQuerySchema, studioCompare, studioEvals } from './studio-evals.ts';
import { studioRuns, studioSamples } from './studio-queries.ts';
import { SampleQuerySchema } from './studio-schema.ts';
import { MetricsQuerySchema, studioMetrics } from './studio-train.ts';

/** Parse a route's query with `schema`; 400 `invalid_query` naming the first bad parameter. */
function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, `Invalid query parameter '${issue.path.join('.')}': ${issue.message}`, {
      param: String(issue.path[0] ?? ''),
      code: 'invalid_query',
    });
  }
  return parsed.data;
}

/**
 * The Studio's read-only JSON API over a store opened read-only (mounted at `/api` behind the server's Host/Origin
 * guards and API key): `GET /api/runs`, `GET /api/runs/:id/samples`, `GET /api/runs/:id/metrics` (a train run's
 * curves), `GET /api/evals`, `GET /api/compare?reports=A,B`. Only GET: nothing here writes. The arena and chat use
 * `/v1`.
 */
export function studioApi(store: Store | undefined): Hono {
  const api = new Hono();
  const requireStore = (): Store => {
    if (!store)
      throw new HttpError(404, 'This server has no store: start it with --store PATH (or DISTILL_STORE)', {
        code: 'no_store',
      });
    return store;
  };
  api.get('/runs', (c) => c.json({ object: 'list', data: studioRuns(requireStore()) }));
  api.get('/runs/:id/samples', (c) => {
    const s = requireStore();
    const run = s.getRun(c.req.param('id'));
    if (!run)
      throw new HttpError(404, `No run '${c.req.param('id')}' in the store`, {
        param: 'id',
        code: 'run_not_found',
      });
    return c.json(studioSamples(s, run.id, parseQuery(SampleQuerySchema, c.req.query())));
  });
  // A train run's curves from the metrics.jsonl in the run folder the store recorded (no path in the request).
  api.get('/runs/:id/metrics', (c) =>
    c.json(
      studioMetrics(requireStore(), c.req.param('id'), parseQuery(MetricsQuerySchema, c.req.query()).from),
    ),
  );
  api.get('/evals', (c) => c.json({ object: 'list', data: studioEvals(requireStore()) }));
  api.get('/compare', (c) =>
    c.json(studioCompare(requireStore(), parseQuery(CompareQuerySchema, c.req.query()).reports)),
  );
  return api;
}
