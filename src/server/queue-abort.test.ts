import { describe, expect, it } from 'vitest';
import { type Chunk, joinChunks, parseSse } from '../../test/serve/sse.ts';
import { createServer } from './app.ts';
import { ModelRegistry } from './model-registry.ts';
import { RequestQueue } from './request-queue.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';

function setup(model: ScriptedChatModel, queue: { concurrency?: number; maxWaiting?: number } = {}) {
  const registry = new ModelRegistry(queue);
  registry.add('m', model);
  const { app, inFlight } = createServer({ registry, webRoot: false });
  const post = async (body: object, init: RequestInit = {}): Promise<Response> =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }], ...body }),
      ...init,
    });
  return { app, post, inFlight };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('RequestQueue', () => {
  it('admits up to the limit, serves waiters in order, drops aborted waiters', async () => {
    const q = new RequestQueue({ concurrency: 1, maxWaiting: 2 });
    const r1 = await q.acquire();
    const order: number[] = [];
    const abort = new AbortController();
    const p2 = q.acquire().then((r) => {
      order.push(2);
      return r;
    });
    const p3 = q.acquire(abort.signal);
    await expect(q.acquire()).rejects.toMatchObject({ status: 429 });
    abort.abort();
    await expect(p3).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(q.waiting).toBe(1);
    r1();
    (await p2)();
    expect(order).toEqual([2]);
    expect(q.running).toBe(0);
  });
});

describe('per-model queue and disconnects', () => {
  it('never runs more generations than the concurrency limit', async () => {
    const model = new ScriptedChatModel({ tokenDelayMs: 2, thinkingTokens: 4 });
    const { post } = setup(model, { concurrency: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post({ stream: i % 2 === 0 }).then((r) => r.text())),
    );
    expect(results).toHaveLength(6);
    expect(model.requests).toHaveLength(6);
    expect(model.maxActive).toBe(2);
  });

  it('answers 429 when the wait line is full', async () => {
    const model = new ScriptedChatModel({ tokenDelayMs: 5 });
    const { post } = setup(model, { concurrency: 1, maxWaiting: 1 });
    const running = post({});
    const waiting = post({});
    await until(() => model.active === 1);
    const refused = await post({ stream: true });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('queue_full');
    expect((await running).status).toBe(200);
    expect((await waiting).status).toBe(200);
  });

  it('stops generating when a streaming client goes away', async () => {
    const model = new ScriptedChatModel({ tokenDelayMs: 10, thinkingTokens: 1000 });
    const { post, inFlight } = setup(model);
    const res = await post({ stream: true });
    const reader = res.body!.getReader();
    await readUntil(reader, /step 3/);
    await reader.cancel();
    await until(() => model.active === 0, 2000);
    expect(inFlight.size).toBe(0);
  });

  it('stops generating when a non-streaming request is aborted', async () => {
    const model = new ScriptedChatModel({ tokenDelayMs: 10, thinkingTokens: 1000 });
    const { post } = setup(model);
    const abort = new AbortController();
    const pending = post({}, { signal: abort.signal }).catch((e: unknown) => e);
    await until(() => model.active === 1);
    abort.abort();
    await pending;
    await until(() => model.active === 0, 2000);
  });

  it('answer-now ends thinking of a running request; the answer follows', async () => {
    const model = new ScriptedChatModel({ tokenDelayMs: 5, thinkingTokens: 1000 });
    const { app, post } = setup(model);
    const res = await post({ stream: true });
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^chatcmpl-/);
    const reader = res.body!.getReader();
    let text = await readUntil(reader, /step 5/);
    const now = await app.request(`/v1/distill/answer-now/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(now.status).toBe(200);
    text += await readUntil(reader, /\[DONE\]/);
    const events = parseSse(text);
    const choice = joinChunks(events);
    expect(choice.content).toBe('Answer: q');
    expect(choice.finish).toBe('stop');
    const steps = choice.reasoning.split(' step ').length;
    expect(steps).toBeGreaterThanOrEqual(5);
    expect(steps).toBeLessThan(1000);
    expect((events[0] as Chunk).id).toBe(id);
  });

  it('reports a model failure mid-stream as an error event, and as a 500 without streaming', async () => {
    const model = new ScriptedChatModel({ failAfterTokens: 3 });
    const { post } = setup(model);
    const events = parseSse(await (await post({ stream: true })).text());
    const error = events.find((e) => typeof e === 'object' && e !== null && 'error' in e) as Chunk;
    expect(error.error?.message).toMatch(/scripted failure/);
    expect(joinChunks(events).reasoning).toBe('step 1 step 2 step 3');
    const res = await post({});
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
  });
});
