import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curateRun } from '../curate/curate-run.ts';
import { storeWithRun } from '../curate/testing/fixture-run.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';
import { StudioRunsResponseSchema, StudioSamplesResponseSchema } from './studio-schema.ts';

const KEY = 'studio-secret';
let fixture: ReturnType<typeof storeWithRun>;
let readonlyStore: Store;
let server: RunningServer;
let runId: string;

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  const reasoning = 'Add the numbers: $\\frac{14}{2} = 7$, so the sum is 7 and I am sure of it.';
  fixture = storeWithRun('gen-studio', [
    {
      problemId: 'p1',
      prompt: 'What is 3 + 4?',
      gold: '7',
      reasoning,
      answer: 'The answer is $\\boxed{7}$.',
    },
    {
      problemId: 'p2',
      prompt: 'What is 5 + 6?',
      gold: '11',
      reasoning: 'Five plus six is twelve, surely.',
      answer: '\\boxed{12}',
    },
    {
      problemId: 'p3',
      prompt: 'What is 8 + 1?',
      gold: '9',
      reasoning: 'Eight plus one is',
      answer: '',
      finishReason: 'length',
    },
    {
      problemId: 'p4',
      prompt: 'What is 2 + 2?',
      gold: '4',
      reasoning: 'Two and two make four, as I know well.',
      answer: '\\boxed{4}',
    },
  ]);
  await curateRun(fixture.store, 'gen-studio');
  runId = fixture.runId;
  fixture.store.close();
  readonlyStore = openStore(fixture.store.path, { readonly: true });
  const { app } = createServer({
    registry: new ModelRegistry(),
    apiKey: KEY,
    store: readonlyStore,
    webRoot: false,
  });
  server = await listen(app, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  readonlyStore?.close();
  fixture?.dispose();
});

describe('Studio API over a read-only store', () => {
  it('lists runs with counts and the curation outcome', async () => {
    const { status, body } = await get('/api/runs');
    expect(status).toBe(200);
    const runs = StudioRunsResponseSchema.parse(body).data;
    expect(runs.map((r) => r.name)).toEqual(['gen-studio']);
    const run = runs[0]!;
    expect(run.counts.samples).toBe(4);
    expect(run.curation).not.toBeNull();
    expect(run.curation!.kept + run.curation!.dropped).toBe(4);
    expect(run.curation!.dropped).toBeGreaterThanOrEqual(2);
    expect(Object.values(run.curation!.droppedBy).reduce((a, b) => a + b, 0)).toBe(run.curation!.dropped);
    // Settings (which could name files) are not exposed.
    expect(JSON.stringify(body)).not.toContain('config');
  });

  it('pages samples server-side and filters by verdict, outcome, failed check and text', async () => {
    const all = StudioSamplesResponseSchema.parse((await get(`/api/runs/${runId}/samples?limit=2`)).body);
    expect(all.total).toBe(4);
    expect(all.data.map((s) => s.problemId)).toEqual(['p1', 'p2']);
    const next = StudioSamplesResponseSchema.parse(
      (await get(`/api/runs/gen-studio/samples?limit=2&offset=2`)).body,
    );
    expect(next.data.map((s) => s.problemId)).toEqual(['p3', 'p4']);
    expect(all.data[0]!.thinking).toContain('\\frac{14}{2}');
    expect(all.data[0]!.teacher).toBe('builtin:distill-teacher-tiny');

    const wrong = StudioSamplesResponseSchema.parse(
      (await get(`/api/runs/${runId}/samples?verdict=wrong`)).body,
    );
    expect(wrong.data.map((s) => s.problemId)).toContain('p2');
    expect(wrong.data.every((s) => s.verdict?.correct === false)).toBe(true);

    const kept = StudioSamplesResponseSchema.parse(
      (await get(`/api/runs/${runId}/samples?outcome=kept`)).body,
    );
    expect(kept.data.every((s) => s.curation?.kept === true)).toBe(true);
    expect(kept.data.map((s) => s.problemId)).toContain('p1');

    const dropped = StudioSamplesResponseSchema.parse(
      (await get(`/api/runs/${runId}/samples?outcome=dropped`)).body,
    );
    expect(dropped.total).toBeGreaterThanOrEqual(2);
    const truncated = dropped.data.find((s) => s.problemId === 'p3')!;
    const reason = truncated.curation!.reason!;
    expect(reason).toBeTruthy();
    const byReason = StudioSamplesResponseSchema.parse(
      (await get(`/api/runs/${runId}/samples?outcome=dropped&filter=${encodeURIComponent(reason)}`)).body,
    );
    expect(byReason.data.map((s) => s.problemId)).toContain('p3');
    expect(
      byReason.data.every(
        (s) => s.curation?.reason === reason || s.filters.some((f) => f.name === reason && !f.passed),
      ),
    ).toBe(true);
    expect(byReason.data.map((s) => s.problemId)).not.toContain('p1');

    const search = StudioSamplesResponseSchema.parse((await get(`/api/runs/${runId}/samples?q=TWELVE`)).body);
    expect(search.data.map((s) => s.problemId)).toEqual(['p2']);
    // A LIKE wildcard is matched literally.
    expect(
      StudioSamplesResponseSchema.parse((await get(`/api/runs/${runId}/samples?q=%25`)).body).total,
    ).toBe(0);
  });

  it('needs the API key, refuses bad queries, unknown runs, other origins and writes', async () => {
    expect((await get('/api/runs', {})).status).toBe(401);
    expect((await get('/api/runs', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(`/api/runs/${runId}/samples?limit=0`)).status).toBe(400);
    expect((await get(`/api/runs/${runId}/samples?outcome=maybe`)).status).toBe(400);
    expect((await get('/api/runs/no-such-run/samples')).status).toBe(404);
    const cross = await get('/api/runs', { authorization: `Bearer ${KEY}`, origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const post = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(404);
  });

  it('answers 404 no_store when the server has no store', async () => {
    const { app } = createServer({ registry: new ModelRegistry(), webRoot: false });
    const res = await app.request('/api/runs');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no_store');
  });
});
