import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-model.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import type { Trace } from '../../core/trace.ts';
import type { Teacher } from '../teacher.ts';
import { EndpointState, pickEndpoint } from './endpoint-state.ts';
import { PoolTeacher } from './pool-teacher.ts';

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };

/** A teacher whose replies are scripted per call (the pool's logic is what is under test, not HTTP). */
function scripted(
  uri: string,
  model = 'm',
  script: () => Trace | ProviderError = okTrace,
): Teacher & {
  calls: number;
} {
  const t = {
    calls: 0,
    id: uri,
    info: {
      uri,
      provider: 'openai-compatible',
      modelId: model,
      access: 'self_hosted' as const,
      termsId: 'unknown',
      price: { input: 0, output: 0 },
    },
    async generate(): Promise<Trace> {
      t.calls += 1;
      await Promise.resolve();
      const r = script();
      if (r instanceof ProviderError) throw r;
      return r;
    },
    // biome-ignore lint/correctness/useYield: the pool's stream is not exercised here
    async *stream(): AsyncIterable<StreamPart> {
      throw new Error('unused');
    },
  };
  return t;
}

function okTrace(): Trace {
  return {
    reasoning: 'r',
    answer: 'a',
    finishReason: 'stop',
    truncatedInThinking: false,
    usage: { input: 1, reasoning: 1, output: 1 },
    timing: { totalMs: 1 },
  };
}

describe('pickEndpoint', () => {
  it('prefers the most weighted free capacity and skips full, paused and down endpoints', () => {
    let now = 0;
    const clock = () => now;
    const a = new EndpointState(scripted('a'), { weight: 1, concurrency: 4 }, {}, clock);
    const b = new EndpointState(scripted('b'), { weight: 3, concurrency: 2 }, {}, clock);
    expect(pickEndpoint([a, b])).toBe(b); // 2×3 > 4×1
    b.inFlight = 2;
    expect(pickEndpoint([a, b])).toBe(a); // b is full
    a.onRateLimit(500);
    expect(pickEndpoint([a, b])).toBeUndefined(); // a paused, b full
    now = 501;
    expect(pickEndpoint([a, b])).toBe(a);
  });

  it('takes an endpoint down after repeated faults, probes it with one request, and backs off longer on failure', () => {
    let now = 0;
    const e = new EndpointState(
      scripted('a'),
      { weight: 1, concurrency: 8 },
      { faultThreshold: 3, baseBackoffMs: 100 },
      () => now,
    );
    expect(e.onFault()).toBe(false);
    expect(e.onFault()).toBe(false);
    expect(e.onFault()).toBe(true);
    expect(e.free()).toBe(0);
    expect(e.waitMs()).toBe(100);
    now = 100;
    expect(e.free()).toBe(1); // probing: exactly one request
    expect(e.health).toBe('probing');
    e.inFlight = 1;
    expect(e.free()).toBe(0);
    e.inFlight = 0;
    expect(e.onFault()).toBe(true); // failed probe: down again, twice as long
    expect(e.waitMs()).toBe(200);
    now = 300;
    expect(e.free()).toBe(1);
    e.onSuccess();
    expect(e.health).toBe('healthy');
    expect(e.free()).toBe(8);
  });

  it('does not count a 429 as a fault', () => {
    const e = new EndpointState(scripted('a'), { weight: 1, concurrency: 1 }, { faultThreshold: 1 }, () => 0);
    e.onRateLimit(10);
    expect(e.health).toBe('healthy');
    expect(e.faults).toBe(0);
  });
});

describe('PoolTeacher', () => {
  it('fails over to another endpoint at once and records which endpoint served the trace', async () => {
    const dead = scripted('dead', 'm', () => new ProviderError('network', 'ECONNREFUSED'));
    const live = scripted('live');
    const pool = new PoolTeacher([
      { teacher: dead, limits: { weight: 10, concurrency: 1 } },
      { teacher: live, limits: { weight: 1, concurrency: 1 } },
    ]);
    const trace = await pool.generate(REQUEST);
    expect(trace.raw?.endpoint).toBe('live');
    expect(dead.calls).toBe(1);
    const report = pool.report();
    expect(report.map((r) => [r.uri, r.served, r.faults])).toEqual([
      ['dead', 0, 1],
      ['live', 1, 0],
    ]);
  });

  it('stops sending to an endpoint that keeps failing', async () => {
    const dead = scripted('dead', 'm', () => new ProviderError('server', '502'));
    const live = scripted('live');
    const pool = new PoolTeacher(
      [
        { teacher: dead, limits: { weight: 100, concurrency: 4 } },
        { teacher: live, limits: { weight: 1, concurrency: 4 } },
      ],
      { health: { faultThreshold: 2, baseBackoffMs: 60_000 } },
    );
    for (let i = 0; i < 20; i++) expect((await pool.generate(REQUEST)).raw?.endpoint).toBe('live');
    expect(dead.calls).toBe(2);
    expect(pool.report()[0]?.health).toBe('down');
  });

  it('passes permanent errors through without failing over', async () => {
    const bad = scripted('bad', 'm', () => new ProviderError('auth', '401'));
    const other = scripted('other');
    const pool = new PoolTeacher([
      { teacher: bad, limits: { weight: 10, concurrency: 1 } },
      { teacher: other, limits: { weight: 1, concurrency: 1 } },
    ]);
    await expect(pool.generate(REQUEST)).rejects.toMatchObject({ kind: 'auth' });
    expect(other.calls).toBe(0);
  });

  it('hands the last error to the engine when every endpoint failed', async () => {
    const a = scripted('a', 'm', () => new ProviderError('rate-limit', '429', { retryAfterMs: 5000 }));
    const b = scripted('b', 'm', () => new ProviderError('rate-limit', '429', { retryAfterMs: 5000 }));
    const pool = new PoolTeacher([
      { teacher: a, limits: { weight: 1, concurrency: 1 } },
      { teacher: b, limits: { weight: 1, concurrency: 1 } },
    ]);
    await expect(pool.generate(REQUEST)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(a.calls + b.calls).toBe(2);
  });

  it('waits for a paused endpoint to come back rather than failing', async () => {
    let n = 0;
    const a = scripted('a', 'm', () =>
      n++ === 0 ? new ProviderError('rate-limit', '429', { retryAfterMs: 60 }) : okTrace(),
    );
    const pool = new PoolTeacher([{ teacher: a, limits: { weight: 1, concurrency: 1 } }]);
    await expect(pool.generate(REQUEST)).rejects.toMatchObject({ kind: 'rate-limit' });
    const started = performance.now();
    expect((await pool.generate(REQUEST)).raw?.endpoint).toBe('a');
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('refuses endpoints of different models', () => {
    expect(
      () =>
        new PoolTeacher([
          { teacher: scripted('a', 'm1'), limits: { weight: 1, concurrency: 1 } },
          { teacher: scripted('b', 'm2'), limits: { weight: 1, concurrency: 1 } },
        ]),
    ).toThrow(InvalidInputError);
  });
});
