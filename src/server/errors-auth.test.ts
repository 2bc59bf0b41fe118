import { describe, expect, it } from 'vitest';
import { createServer, type ServerOptions } from './app.ts';
import { ModelRegistry } from './model-registry.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';

function setup(options: Partial<ServerOptions> = {}) {
  const registry = new ModelRegistry();
  registry.add('student', new ScriptedChatModel());
  return createServer({ registry, webRoot: false, ...options }).app;
}

const ask = { model: 'student', messages: [{ role: 'user', content: 'hi' }] };

async function expectError(
  res: Response,
  status: number,
  fields: { type?: string; code?: string; param?: string },
) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error).toMatchObject(fields);
}

describe('OpenAI-shaped errors', () => {
  const app = setup({ maxBodyBytes: 2048, maxTokensLimit: 100 });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('404 model_not_found names the available models', async () => {
    const res = await post(JSON.stringify({ ...ask, model: 'gpt-4o' }));
    expect((await res.clone().json()) as object).toMatchObject({
      error: { message: expect.stringContaining('student') },
    });
    await expectError(res, 404, { code: 'model_not_found', param: 'model' });
  });

  it('400 for JSON that does not parse, and for bodies that break the schema, naming the parameter', async () => {
    await expectError(await post('{"model": '), 400, { type: 'invalid_request_error', code: 'invalid_json' });
    await expectError(await post(JSON.stringify({ model: 'student', messages: [] })), 400, {
      param: 'messages',
    });
    await expectError(await post(JSON.stringify({ ...ask, temperature: 3 })), 400, { param: 'temperature' });
    await expectError(
      await post(JSON.stringify({ model: 'student', messages: [{ role: 'user', content: 5 }] })),
      400,
      { param: 'messages[0].content' },
    );
    await expectError(await post(JSON.stringify({ ...ask, tools: [{ type: 'function' }] })), 400, {
      param: 'tools',
    });
    await expectError(await post(JSON.stringify({ ...ask, max_tokens: 101 })), 400, { param: 'max_tokens' });
    await expectError(await post(JSON.stringify({ ...ask, n: 0 })), 400, { param: 'n' });
  });

  it('413 for oversize bodies, with or without content-length', async () => {
    const big = JSON.stringify({ ...ask, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    await expectError(await post(big), 413, { code: 'request_too_large' });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, { code: 'request_too_large' });
  });

  it('404 JSON for unknown routes and unknown answer-now ids', async () => {
    const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
    await expectError(await app.request('/v1/embeddings', json), 404, { code: 'unknown_route' });
    await expectError(await app.request('/v1/distill/answer-now/chatcmpl-x', json), 404, {
      code: 'request_not_found',
    });
  });
});

describe('API key', () => {
  const app = setup({ apiKey: 'sekret', corsOrigins: ['http://localhost:5173'] });

  it('refuses every /v1 route without the right key, accepts Bearer and x-api-key', async () => {
    for (const [path, method] of [
      ['/v1/models', 'GET'],
      ['/v1/chat/completions', 'POST'],
      ['/v1/distill/answer-now/x', 'POST'],
      ['/v1/anything', 'GET'],
    ] as const) {
      await expectError(await app.request(path, { method }), 401, {
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
      await expectError(
        await app.request(path, { method, headers: { authorization: 'Bearer wrong' } }),
        401,
        {
          code: 'invalid_api_key',
        },
      );
    }
    expect((await app.request('/v1/models', { headers: { authorization: 'Bearer sekret' } })).status).toBe(
      200,
    );
    expect((await app.request('/v1/models', { headers: { 'x-api-key': 'sekret' } })).status).toBe(200);
    const res = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer sekret', 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(res.status).toBe(200);
  });

  it('leaves /health open and answers CORS preflights for allowed origins only', async () => {
    expect((await app.request('/health')).status).toBe(200);
    const pre = await app.request('/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const other = await app.request('/v1/models', {
      headers: { origin: 'http://evil.test', authorization: 'Bearer sekret' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers unless configured', async () => {
    const res = await setup().request('/v1/models', { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('access log', () => {
  it('logs one line per request with status and duration', async () => {
    const lines: string[] = [];
    const app = setup({ log: (line) => lines.push(line) });
    await app.request('/v1/models');
    await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET \/v1\/models 200 \d+ms$/);
    expect(lines[1]).toMatch(/^POST \/v1\/chat\/completions 400 \d+ms$/);
  });
});
