import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz, runLoad, streamOnce } from './load.ts';
import { type SpawnedServer, spawnServe, tinyGguf } from './spawn-serve.ts';

const KEY = 'load-key';
const auth = { authorization: `Bearer ${KEY}` };

describe.runIf(process.env.DISTILL_SLOW === '1')('distill serve under load (slow)', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServe([await tinyGguf(), '--name', 'm', '--no-web'], { DISTILL_API_KEY: KEY });
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('serves 32 concurrent streaming clients for 60 s without a single error', {
    timeout: 240_000,
  }, async () => {
    const load = await runLoad({
      url: server.url,
      clients: 32,
      seconds: 60,
      headers: auth,
      body: { model: 'm', messages: [{ role: 'user', content: 'What is 12 times 7?' }], max_tokens: 64 },
    });
    console.log(
      `serve load: ${load.requests} requests, ${load.errors} errors, TTFT p50 ${load.ttftP50.toFixed(1)} ms, ` +
        `p99 ${load.ttftP99.toFixed(1)} ms, ${load.chunksPerSecond.toFixed(0)} chunks/s`,
    );
    expect(load.firstErrors).toEqual([]);
    expect(load.errors).toBe(0);
    expect(load.requests).toBeGreaterThan(32);
  });

  it('answers 1,000 fuzzed bodies over HTTP with 4xx JSON and stays healthy', {
    timeout: 240_000,
  }, async () => {
    const fuzz = await runFuzz({ url: server.url, count: 1000, model: 'm', headers: auth });
    console.log(`serve fuzz: ${JSON.stringify(fuzz.statuses)}`);
    expect(fuzz.bad).toEqual([]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const after = await streamOnce(
      server.url,
      { model: 'm', messages: [{ role: 'user', content: 'still there?' }], max_tokens: 16 },
      auth,
    );
    expect(after.ok).toBe(true);
  });
});
