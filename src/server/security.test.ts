import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, raw } from '../../test/serve/raw-http.ts';
import { isAllowedHost } from './host-guard.ts';
import { isSameOrigin, normalizeOrigin } from './origin-guard.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';
import { type ServeOptions, serve } from './serve.ts';

const ASK = JSON.stringify({ model: 'student', messages: [{ role: 'user', content: 'hi' }] });

/** A real server on 127.0.0.1, port 0, serving a scripted model that records every request it runs. */
async function start(options: Partial<ServeOptions> = {}) {
  const model = new ScriptedChatModel();
  const server = await serve({
    models: [{ name: 'student', model }],
    host: '127.0.0.1',
    port: 0,
    webRoot: false,
    buildWeb: false,
    ...options,
  });
  const host = `127.0.0.1:${server.port}`;
  const post = (headers: Record<string, string>, body = ASK) =>
    raw(server.url, '/v1/chat/completions', { method: 'POST', headers: { host, ...headers }, body });
  return { server, model, host, post };
}

function expectOpenAIError(res: RawResponse, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const { error } = res.json();
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(error.code).toBe(code);
  return error;
}

describe('distill serve without --cors', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.server.close());

  it('refuses a cross-origin text/plain POST (a CSRF simple request) and never runs the model', async () => {
    const res = await s.post({ origin: 'https://evil.example', 'content-type': 'text/plain' });
    const error = expectOpenAIError(res, 403, 'origin_not_allowed');
    expect(error.type).toBe('permission_error');
    expect(error.message).toMatch(/--cors https:\/\/evil\.example/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    // A form POST and a JSON POST from another origin fare no better, nor do GETs, nor Origin: null.
    expectOpenAIError(
      await s.post({ origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }),
      403,
      'origin_not_allowed',
    );
    expectOpenAIError(
      await s.post({ origin: 'https://evil.example', 'content-type': 'application/json' }),
      403,
      'origin_not_allowed',
    );
    expectOpenAIError(
      await s.post({ origin: 'null', 'content-type': 'text/plain' }),
      403,
      'origin_not_allowed',
    );
    expectOpenAIError(
      await raw(s.server.url, '/v1/models', { headers: { host: s.host, origin: 'https://evil.example' } }),
      403,
      'origin_not_allowed',
    );
    // Another port on this machine is another origin.
    expectOpenAIError(
      await s.post({ origin: `http://127.0.0.1:${s.server.port + 1}`, 'content-type': 'application/json' }),
      403,
      'origin_not_allowed',
    );
    expect(s.model.requests).toHaveLength(0);
  });

  it('answers same-origin JSON POSTs (the web UI), and clients that send no Origin (SDKs, curl)', async () => {
    for (const origin of [
      `http://127.0.0.1:${s.server.port}`,
      `http://localhost:${s.server.port}`,
      `http://[::1]:${s.server.port}`,
    ]) {
      const res = await s.post({ origin, 'content-type': 'application/json' });
      expect(res.status, `${origin}: ${res.body}`).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ object: 'chat.completion' });
    }
    expect((await s.post({ 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect(s.model.requests).toHaveLength(4);
  });

  it('requires Content-Type: application/json on API POSTs (415), same-origin or not', async () => {
    const before = s.model.requests.length;
    const missing = expectOpenAIError(await s.post({}), 415, 'unsupported_media_type');
    expect(missing.type).toBe('invalid_request_error');
    expect(missing.message).toMatch(/application\/json/);
    expectOpenAIError(await s.post({ 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    expectOpenAIError(
      await s.post({
        origin: `http://127.0.0.1:${s.server.port}`,
        'content-type': 'text/plain;charset=UTF-8',
      }),
      415,
      'unsupported_media_type',
    );
    expectOpenAIError(
      await raw(s.server.url, '/v1/distill/answer-now/chatcmpl-x', {
        method: 'POST',
        headers: { host: s.host, 'content-type': 'multipart/form-data; boundary=x' },
      }),
      415,
      'unsupported_media_type',
    );
    expect(s.model.requests).toHaveLength(before);
  });

  it('refuses a Host that is not its own (DNS rebinding) on every route, and runs nothing', async () => {
    const evil = `evil.example:${s.server.port}`;
    const count = s.model.requests.length;
    const error = expectOpenAIError(
      await s.post({ host: evil, 'content-type': 'application/json' }),
      403,
      'host_not_allowed',
    );
    expect(error.message).toMatch(/--allowed-hosts evil\.example/);
    for (const path of ['/', '/health', '/v1/models'])
      expectOpenAIError(await raw(s.server.url, path, { headers: { host: evil } }), 403, 'host_not_allowed');
    // Even with a matching Origin: a rebound page's Origin is the attacker's name too.
    expectOpenAIError(
      await s.post({ host: evil, origin: `http://${evil}`, 'content-type': 'application/json' }),
      403,
      'host_not_allowed',
    );
    expect(s.model.requests).toHaveLength(count);
    for (const host of [`localhost:${s.server.port}`, `[::1]:${s.server.port}`, 'localhost'])
      expect((await raw(s.server.url, '/health', { headers: { host } })).status, host).toBe(200);
    expect(s.model.requests).toHaveLength(count);
  });
});

describe('distill serve --cors https://x.example', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start({ corsOrigins: ['https://x.example'] });
  });
  afterAll(() => s.server.close());

  it('answers that origin and its preflight with CORS headers, and still refuses others', async () => {
    const pre = await raw(s.server.url, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        host: s.host,
        origin: 'https://x.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://x.example');
    expect(pre.headers['access-control-allow-headers']).toMatch(/content-type/i);
    const res = await s.post({ origin: 'https://x.example', 'content-type': 'application/json' });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://x.example');
    expect(s.model.requests).toHaveLength(1);

    const otherPre = await raw(s.server.url, '/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { host: s.host, origin: 'https://y.example', 'access-control-request-method': 'POST' },
    });
    expectOpenAIError(otherPre, 403, 'origin_not_allowed');
    expect(otherPre.headers['access-control-allow-origin']).toBeUndefined();
    expectOpenAIError(
      await s.post({ origin: 'https://y.example', 'content-type': 'text/plain' }),
      403,
      'origin_not_allowed',
    );
    // An allowed origin still needs the JSON content type (and so a preflight).
    expectOpenAIError(
      await s.post({ origin: 'https://x.example', 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
    expect(s.model.requests).toHaveLength(1);
  });
});

describe('distill serve --cors * --allowed-hosts', () => {
  it("lets '*' allow any origin, and --allowed-hosts names (with .domain wildcards) through the Host check", async () => {
    const s = await start({ corsOrigins: ['*'], allowedHosts: ['gpu.lan', '.example.org'] });
    try {
      const res = await s.post({ origin: 'https://anywhere.example', 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      for (const host of ['gpu.lan:8080', 'example.org', 'a.b.example.org:1'])
        expect((await raw(s.server.url, '/health', { headers: { host } })).status, host).toBe(200);
      for (const host of ['evil.example', 'gpu.lan.evil.example', 'notexample.org'])
        expectOpenAIError(await raw(s.server.url, '/health', { headers: { host } }), 403, 'host_not_allowed');
    } finally {
      await s.server.close();
    }
  });
});

describe('Host and Origin rules', () => {
  it('accepts localhost and IP literals, and only the allowed names otherwise', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost', '192.168.1.5:80'])
      expect(isAllowedHost(host, []), host).toBe(true);
    for (const host of ['evil.example:8080', 'localhost.:8080', 'localhost.evil.example', '', 'a b', 'x@y'])
      expect(isAllowedHost(host, []), host).toBe(false);
    expect(isAllowedHost('anything.example', ['all'])).toBe(true);
  });

  it('treats loopback names on the same port as one origin, and normalises --cors values', () => {
    expect(isSameOrigin('http://localhost:8080', '127.0.0.1:8080')).toBe(true);
    expect(isSameOrigin('http://localhost', 'localhost:80')).toBe(true);
    expect(isSameOrigin('https://gpu.lan', 'gpu.lan')).toBe(true);
    expect(isSameOrigin('http://localhost:8081', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('http://gpu.lan:8080', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('file://', 'localhost:8080')).toBe(false);
    expect(normalizeOrigin('HTTPS://X.Example/')).toBe('https://x.example');
    expect(normalizeOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    expect(normalizeOrigin('https://x.example:443')).toBe('https://x.example');
    for (const bad of ['x.example', 'https://x.example/app', 'ftp://x.example', 'https://u@x.example', ''])
      expect(normalizeOrigin(bad), bad).toBeUndefined();
  });
});
