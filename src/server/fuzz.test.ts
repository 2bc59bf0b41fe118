import { describe, expect, it } from 'vitest';
import { fuzzBodies } from '../../test/serve/fuzz-bodies.ts';
import { createServer } from './app.ts';
import { ModelRegistry } from './model-registry.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';

describe('fuzzed request bodies', () => {
  it('answers 1,000 malformed bodies with 4xx OpenAI-shaped JSON and stays healthy', async () => {
    const model = new ScriptedChatModel();
    const registry = new ModelRegistry();
    registry.add('student', model);
    const { app } = createServer({ registry, webRoot: false, maxBodyBytes: 64 * 1024 });
    const statuses = new Map<number, number>();
    for (const { kind, body, contentType } of fuzzBodies(1000, {
      model: 'student',
      seed: 42,
      maxBodyBytes: 64 * 1024,
    })) {
      const res = await app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const json = (await res.json().catch(() => undefined)) as
        | { error?: { message?: unknown; type?: unknown } }
        | undefined;
      expect(res.status, `${kind}: ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, kind).toBeLessThan(500);
      expect(typeof json?.error?.message, kind).toBe('string');
      expect(typeof json?.error?.type, kind).toBe('string');
    }
    expect(model.requests).toHaveLength(0);
    // 415: the text/plain bodies (a browser's preflight-free cross-origin POST).
    expect([...statuses.keys()].sort()).toEqual([400, 404, 413, 415]);
    expect((await app.request('/health')).status).toBe(200);
    const ok = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'student', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(ok.status).toBe(200);
  });
});
