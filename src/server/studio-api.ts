import { Hono } from 'hono';
import type { Store } from '../store/store.ts';
import { HttpError } from './openai-error.ts';
import { studioRuns, studioSamples } from './studio-queries.ts';
import { SampleQuerySchema } from './studio-schema.ts';

/**
 * The Studio's read-only JSON API over a store opened read-only (mounted at `/api` behind the server's Host/Origin
 * guards and API key): `GET /api/runs`, `GET /api/runs/:id/samples`. Only GET: nothing here writes.
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
    const parsed = SampleQuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HttpError(400, `Invalid query parameter '${issue.path.join('.')}': ${issue.message}`, {
        param: String(issue.path[0] ?? ''),
        code: 'invalid_query',
      });
    }
    return c.json(studioSamples(s, run.id, parsed.data));
  });
  return api;
}
