import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { Trace } from '../../core/trace.ts';
import { createTeacher } from '../create-teacher.ts';
import { createPool } from '../pool/create-pool.ts';
import { openTeachers } from '../pool/open-teachers.ts';
import type { Teacher } from '../teacher.ts';
import { startLoopbackTeacher } from '../testing/loopback-teacher.ts';
import { type ReplayServer, type Reply, sseReply, startReplayServer } from '../testing/replay-server.ts';
import { httpWorkersForTesting } from './http-lanes.ts';
import { AUTO_HTTP_THREADS_MIN_IN_FLIGHT, httpThreadsForRun, resolveHttpThreads } from './http-threads.ts';
import { ThreadedTeacher } from './threaded-teacher.ts';
import type { ToWorker } from './worker-messages.ts';

const env = { DISTILL_KEYS_FILE: '/nonexistent' };
const ask = {
  messages: [{ role: 'user' as const, content: 'What is 17 * 3?' }],
  maxTokens: 256,
  temperature: 0.6,
  seed: 7,
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A replay server answering every request with `reply()`, and the same teacher in process and threaded. */
async function both(reply: (index: number) => Reply): Promise<{
  server: ReplayServer;
  local: Teacher;
  threaded: Teacher;
}> {
  const server = await startReplayServer((_req, i) => reply(i));
  cleanup.push(server.close);
  const uri = `openai-compatible:${server.url}/v1#m`;
  const local = await createTeacher(uri, { env });
  const threaded = await createTeacher(uri, { env, httpThreads: 1 });
  expect(local).not.toBeInstanceOf(ThreadedTeacher);
  expect(threaded).toBeInstanceOf(ThreadedTeacher);
  return { server, local, threaded };
}

const untimed = ({ timing: _t, ...rest }: Trace) => rest;

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const fields = (e: ProviderError) => ({
  name: e.name,
  kind: e.kind,
  message: e.message,
  status: e.status,
  retryAfterMs: e.retryAfterMs,
  retryable: e.retryable,
  code: e.code,
  hint: e.hint,
  exitCode: e.exitCode,
});

describe('ThreadedTeacher: generate in a worker thread', () => {
  it.each([
    'deepseek-reasoner.chunks.txt',
    'vllm-reasoning.chunks.txt',
    'llama-server.chunks.txt',
    'openrouter-r1.chunks.txt',
    'deepseek-truncated.chunks.txt',
    'inline-empty-thinking.chunks.txt',
  ])('gives the in-process trace for the recorded reply %s', async (name) => {
    const { local, threaded } = await both(() => sseReply(name));
    const mine = await local.generate(ask).then(untimed, (e: unknown) => e);
    const theirs = await threaded.generate(ask).then(untimed, (e: unknown) => e);
    if (mine instanceof ProviderError) {
      expect(theirs).toBeInstanceOf(ProviderError);
      expect(fields(theirs as ProviderError)).toEqual(fields(mine));
    } else expect(theirs).toEqual(mine);
    expect(threaded.info).toEqual(local.info);
    expect(threaded.id).toBe(local.id);
  });

  it('sends the same request to the server', async () => {
    const { server, local, threaded } = await both(() => sseReply('deepseek-reasoner.chunks.txt'));
    await local.generate(ask);
    await threaded.generate(ask);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toEqual(server.requests[0]!.body);
    expect(server.requests[1]!.headers.authorization).toBe(server.requests[0]!.headers.authorization);
  });

  it('brings back a 429 with retry-after and a 500 as the same ProviderErrors', async () => {
    const replies: Reply[] = [
      {
        status: 429,
        headers: { 'retry-after': '2' },
        body: JSON.stringify({ error: { message: 'slow down' } }),
      },
      { status: 500, body: JSON.stringify({ error: { message: 'boom' } }) },
    ];
    let which = 0;
    const { local, threaded } = await both(() => replies[which]!);
    for (which = 0; which < replies.length; which++) {
      const mine = await failure(local.generate(ask));
      const theirs = await failure(threaded.generate(ask));
      expect(fields(theirs)).toEqual(fields(mine));
    }
    which = 0;
    const limited = await failure(threaded.generate(ask));
    expect(limited).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 2000, retryable: true });
    which = 1;
    expect(await failure(threaded.generate(ask))).toMatchObject({ kind: 'server', status: 500 });
  });

  it('an abort mid-request and a timeout reject with the same kinds as in process', async () => {
    const { local, threaded } = await both(() => ({ hang: true }));
    for (const teacher of [local, threaded]) {
      const controller = new AbortController();
      const pending = teacher.generate(ask, { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      expect(await failure(pending)).toMatchObject({ kind: 'aborted', retryable: false });
      // An already aborted signal fails at once.
      expect(await failure(teacher.generate(ask, { signal: controller.signal }))).toMatchObject({
        kind: 'aborted',
      });
      expect(await failure(teacher.generate(ask, { timeoutMs: 100 }))).toMatchObject({ kind: 'timeout' });
    }
  });

  it('one abort of a shared signal ends every request of it, and leaves other signals alone', async () => {
    let n = 0;
    const { threaded } = await both(() =>
      n++ < 3 ? { hang: true } : sseReply('deepseek-reasoner.chunks.txt'),
    );
    const shared = new AbortController();
    const pending = [0, 1, 2].map(() => failure(threaded.generate(ask, { signal: shared.signal })));
    await new Promise((r) => setTimeout(r, 100));
    const other = new AbortController();
    const fine = threaded.generate(ask, { signal: other.signal });
    shared.abort();
    for (const e of await Promise.all(pending)) expect(e.kind).toBe('aborted');
    expect((await fine).answer).toBe('The answer is \\boxed{51}.');
  });

  it('an abort before the workers have started fails every request at once (none is sent after it)', async () => {
    const { server, threaded: one } = await both(() => ({ hang: true }));
    // Six lanes: the later ones are new workers, still starting when the abort comes.
    const threaded = await createTeacher(`openai-compatible:${server.url}/v1#m`, { env, httpThreads: 6 });
    expect(one).toBeInstanceOf(ThreadedTeacher);
    const controller = new AbortController();
    const pending = Array.from({ length: 6 }, () =>
      failure(threaded.generate(ask, { signal: controller.signal })),
    );
    controller.abort();
    for (const e of await Promise.all(pending)) expect(e.kind).toBe('aborted');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(0);
  });

  it('a request that cannot be cloned fails alone, as a bad request', async () => {
    const { threaded } = await both(() => sseReply('deepseek-reasoner.chunks.txt'));
    const bad = { ...ask, stop: [() => 'x'] as unknown as string[] };
    const [failed, fine] = await Promise.all([failure(threaded.generate(bad)), threaded.generate(ask)]);
    expect(failed).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(fine.answer).toBe('The answer is \\boxed{51}.');
  });

  it('a worker that dies fails its requests in flight, and the next request gets a new worker', async () => {
    let n = 0;
    const { threaded } = await both(() =>
      n++ < 2 ? { hang: true } : sseReply('deepseek-reasoner.chunks.txt'),
    );
    const pending = [failure(threaded.generate(ask)), failure(threaded.generate(ask))];
    await new Promise((r) => setTimeout(r, 200));
    const worker = httpWorkersForTesting()[0];
    expect(worker).toBeDefined();
    await worker!.terminate();
    for (const e of await Promise.all(pending)) {
      expect(e).toMatchObject({ kind: 'network', retryable: true });
      expect(e.message).toMatch(/HTTP worker thread stopped \(exit code 1\)/);
    }
    const trace = await threaded.generate(ask);
    expect(trace.answer).toBe('The answer is \\boxed{51}.');
    expect(httpWorkersForTesting()[0]).not.toBe(worker);
  });

  it('a worker that crashes (an uncaught error) fails its requests in flight with that error', async () => {
    let n = 0;
    const { threaded } = await both(() =>
      n++ < 1 ? { hang: true } : sseReply('deepseek-reasoner.chunks.txt'),
    );
    const pending = failure(threaded.generate(ask));
    await new Promise((r) => setTimeout(r, 200));
    const worker = httpWorkersForTesting()[0]!;
    worker.postMessage({ type: 'crash-for-testing', message: 'boom in the worker' } satisfies ToWorker);
    const e = await pending;
    expect(e).toMatchObject({ kind: 'network', retryable: true });
    expect(e.message).toMatch(/HTTP worker thread stopped \(boom in the worker\)/);
    expect((await threaded.generate(ask)).answer).toBe('The answer is \\boxed{51}.');
  });

  it('a pool of 2 loopback servers runs its members threaded and records each endpoint share', async () => {
    const a = await startLoopbackTeacher();
    const b = await startLoopbackTeacher();
    cleanup.push(a.close, b.close);
    const { pool } = await createPool(
      [
        { uri: `openai-compatible:${a.url}/v1`, weight: 1, concurrency: 4 },
        { uri: `openai-compatible:${b.url}/v1`, weight: 1, concurrency: 4 },
      ],
      { defaultConcurrency: 4, env, httpThreads: 1 },
    );
    for (const e of pool.endpoints) expect(e.teacher).toBeInstanceOf(ThreadedTeacher);
    const traces = await Promise.all(
      Array.from({ length: 40 }, (_, i) => pool.generate({ ...ask, seed: i })),
    );
    expect(traces.every((t) => t.answer === 'The answer is \\boxed{42}.')).toBe(true);
    const report = pool.report();
    expect(report.map((r) => r.served)).toEqual([a.answered, b.answered]);
    expect(a.answered + b.answered).toBe(40);
    expect(a.answered).toBeGreaterThan(0);
    expect(b.answered).toBeGreaterThan(0);
  });

  it('starts its worker threads when it is created, before the first request', async () => {
    const before = httpWorkersForTesting().length;
    await createTeacher('openai-compatible:http://127.0.0.1:9/v1#m', { env, httpThreads: 8 });
    const workers = httpWorkersForTesting();
    expect(before).toBeLessThan(8);
    expect(workers).toHaveLength(8);
    for (const w of workers) expect(w).toBeDefined();
  });

  it('wraps only OpenAI-chat teachers on undici without a custom fetch', async () => {
    const uri = 'openai-compatible:http://127.0.0.1:9/v1#m';
    expect(await createTeacher(uri, { env, httpThreads: 2 })).toBeInstanceOf(ThreadedTeacher);
    expect(await createTeacher(uri, { env, httpThreads: 0 })).not.toBeInstanceOf(ThreadedTeacher);
    expect(await createTeacher(uri, { env, httpThreads: 2, transport: 'openai' })).not.toBeInstanceOf(
      ThreadedTeacher,
    );
    expect(await createTeacher(uri, { env, httpThreads: 2, fetch })).not.toBeInstanceOf(ThreadedTeacher);
    expect(
      await createTeacher('ollama:r1?base=http://127.0.0.1:9', { env, httpThreads: 2 }),
    ).not.toBeInstanceOf(ThreadedTeacher);
    await expect(createTeacher(uri, { env, httpThreads: -1 })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it("'auto' is 1 for openai-compatible on 2+ cores, else 0", () => {
    expect(resolveHttpThreads('auto', 'openai-compatible', 2)).toBe(1);
    expect(resolveHttpThreads('auto', 'openai-compatible', 1)).toBe(0);
    expect(resolveHttpThreads('auto', 'deepseek', 8)).toBe(0);
    expect(resolveHttpThreads(undefined, 'openai-compatible', 8)).toBe(0);
    expect(resolveHttpThreads(3, 'deepseek', 1)).toBe(3);
    expect(() => resolveHttpThreads(1.5, 'deepseek')).toThrow(/integer from 0 to 16/);
  });

  it("a run keeps 'auto' only with 64+ requests in flight (its concurrency, or its pool's capacity)", async () => {
    expect(AUTO_HTTP_THREADS_MIN_IN_FLIGHT).toBe(64);
    expect(httpThreadsForRun('auto', 8)).toBe(0);
    expect(httpThreadsForRun('auto', 64)).toBe('auto');
    expect(httpThreadsForRun(2, 8)).toBe(2); // a number is the user's choice
    expect(httpThreadsForRun(undefined, 64)).toBeUndefined();
    const uri = 'openai-compatible:http://127.0.0.1:9/v1#m';
    const open = (uris: string[], defaultConcurrency: number) =>
      openTeachers({ uris }, { env, httpThreads: 'auto', defaultConcurrency, hint: 'h' });
    const threadedOnThisMachine = availableParallelism() >= 2;
    expect((await open([uri], 8)).teacher).not.toBeInstanceOf(ThreadedTeacher);
    expect((await open([uri], 64)).teacher instanceof ThreadedTeacher).toBe(threadedOnThisMachine);
  });
});
