import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { loadProblems } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import { TERMS } from '../teachers/terms/registry.ts';
import { runGeneration } from './run-generation.ts';
import { FAULTS, type FakeTeacherServer, startFakeTeacher } from './testing/fake-teacher-server.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(
  options: Parameters<typeof startFakeTeacher>[0] = {},
  prices?: Record<string, { input: number; output: number }>,
) {
  const server = await startFakeTeacher(options);
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'distill-gen-')), 'store.sqlite'));
  cleanup.push(
    () => server.close(),
    () => store.close(),
  );
  const teacher = await createTeacher(`openai-compatible:${server.url}/v1#fake-r1`, {
    env: { DISTILL_KEYS_FILE: '/nonexistent' },
    ...(prices ? { prices } : {}),
  });
  return { server, store, teacher };
}

function duplicates(store: Store, runId: string): number {
  return store.db
    .prepare(
      "SELECT count(*) - count(DISTINCT problem_id || '/' || sample_idx) FROM samples WHERE run_id = ?",
    )
    .pluck()
    .get(runId) as number;
}

const chatRequests = (server: FakeTeacherServer) =>
  server.requests.filter((r) => r.url.includes('/chat/completions'));

describe('runGeneration', () => {
  it('with verify, stores each sample with its verdict against the gold answer', async () => {
    const { store, teacher } = await setup();
    const result = await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:5:train'),
      problemCount: 5,
      runName: 'verified',
      samples: 2,
      concurrency: 3,
      verify: true,
    });
    expect(result).toMatchObject({ status: 'completed', completed: 10 });
    const samples = [...store.iterateSamples(store.requireRun('verified').id)];
    expect(samples).toHaveLength(10);
    // The fake teacher always answers 42: a sample is correct exactly when its gold is 42.
    for (const s of samples) expect(s.verdict?.correct).toBe(s.problem.gold === '42');
    expect(store.countSamples(store.requireRun('verified').id, { hasVerdict: true })).toBe(10);
  });

  it('stores N×K samples with distinct seeds and full provenance, and a re-run requests nothing', async () => {
    const { server, store, teacher } = await setup();
    const spec = 'add:6:train';
    const first = await runGeneration({
      store,
      teacher,
      problems: loadProblems(spec),
      problemCount: 6,
      runName: 'r1',
      samples: 3,
      concurrency: 4,
    });
    expect(first).toMatchObject({ status: 'completed', completed: 18, done: 18, total: 18, failed: 0 });
    const run = store.requireRun('r1');
    expect(store.countSamples(run.id)).toBe(18);
    expect(duplicates(store, run.id)).toBe(0);
    const seedsByPrompt = new Map<string, Set<number>>();
    for (const r of chatRequests(server)) {
      const body = r.body as { messages: Array<{ content: string }>; seed: number };
      const set = seedsByPrompt.get(body.messages[0]!.content) ?? new Set<number>();
      set.add(body.seed);
      seedsByPrompt.set(body.messages[0]!.content, set);
    }
    expect([...seedsByPrompt.values()].every((s) => s.size === 3)).toBe(true);
    const sample = [...store.iterateSamples(run.id)][0]!;
    expect(sample.trace).toMatchObject({
      answer: 'The answer is \\boxed{42}.',
      usage: { input: 20, reasoning: 30, output: 10 },
    });
    expect(sample.provenance).toMatchObject({
      prompt: { sourceDataset: 'distill-builtin/add', origin: 'synthetic' },
      teacher: { provider: 'openai-compatible', modelId: 'fake-r1', access: 'self_hosted' },
      terms: { id: 'unknown', snapshotSha256: TERMS.unknown!.snapshotSha256 },
      usePolicy: { train: 'constrained' },
      generation: { temperature: 0.6, topP: 0.95, maxTokens: 8192 },
    });
    expect(sample.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sample.verdict).toMatchObject({
      correct: expect.any(Boolean),
      verifierVersion: expect.any(String),
    });

    const before = chatRequests(server).length;
    const again = await runGeneration({
      store,
      teacher,
      problems: loadProblems(spec),
      problemCount: 6,
      runName: 'r1',
      samples: 3,
    });
    expect(again).toMatchObject({ status: 'completed', completed: 0, skipped: 18, done: 18 });
    expect(chatRequests(server).length).toBe(before);
    await expect(
      runGeneration({
        store,
        teacher,
        problems: loadProblems(spec),
        runName: 'r1',
        samples: 3,
        temperature: 1,
      }),
    ).rejects.toThrow(/was started with temperature/);
  });

  it('survives 30% faults: completes, records every fault by kind, bounded retries', async () => {
    const { server, store, teacher } = await setup({ faultRate: 0.3, seed: 7 });
    const result = await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:20:train'),
      problemCount: 20,
      runName: 'faulty',
      samples: 3,
      concurrency: 8,
      maxRetries: 10,
      requestTimeoutMs: 2000,
      backoff: { baseMs: 5, maxMs: 40 },
    });
    const run = store.requireRun('faulty');
    const counts = store.failureCounts(run.id);
    const injectedTotal = Object.values(server.injected).reduce((a, b) => a + b, 0);
    expect(injectedTotal).toBeGreaterThan(10);
    for (const [fault, n] of Object.entries(server.injected)) {
      const kind = FAULTS[fault as keyof typeof FAULTS];
      // A loaded machine can also time out a legitimate reply: that is a real fault, recorded too.
      if (kind === 'timeout') expect(counts[kind]?.events ?? 0, fault).toBeGreaterThanOrEqual(n);
      else expect(counts[kind]?.events ?? 0, fault).toBe(n);
    }
    expect(result.status).toBe('completed');
    expect(result.completed + result.failed).toBe(60);
    expect(store.countSamples(run.id)).toBe(result.completed);
    expect(duplicates(store, run.id)).toBe(0);
    const maxAttempt = store.db
      .prepare('SELECT max(attempt) FROM failures WHERE run_id = ?')
      .pluck()
      .get(run.id) as number;
    expect(maxAttempt).toBeLessThanOrEqual(11);
    expect(chatRequests(server).length).toBe(server.answered + injectedTotal);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('gives up on permanent faults at once and records them as gave-up', async () => {
    const { server, store, teacher } = await setup();
    server.close();
    const result = await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:2:train'),
      runName: 'down',
      maxRetries: 2,
      backoff: { baseMs: 1, maxMs: 2 },
    });
    const counts = store.failureCounts(store.requireRun('down').id);
    expect(result).toMatchObject({ status: 'incomplete', completed: 0, failed: 2 });
    expect(result.failures.network).toMatchObject({
      requests: 2,
      hint: expect.stringMatching(/is the server running/),
    });
    expect(counts.network).toMatchObject({ events: 6, gaveUp: 2 });
    expect(store.requireRun('down')).toMatchObject({ status: 'incomplete', finishedAt: expect.any(String) });
  });

  it('stops before passing --max-cost and resumes under a higher limit', async () => {
    // 20 in + 40 out tokens at $1M/$1M per M tokens = $60 per reply; worst case reserves max_tokens=100 of output.
    const prices = { 'openai-compatible:fake-r1': { input: 1_000_000, output: 1_000_000 } };
    const { store, teacher } = await setup({}, prices);
    const common = { store, teacher, runName: 'costly', samples: 1, concurrency: 2, maxTokens: 100 } as const;
    const stopped = await runGeneration({
      ...common,
      problems: loadProblems('add:20:train'),
      problemCount: 20,
      maxCostUsd: 500,
    });
    expect(stopped.status).toBe('stopped');
    expect(stopped.stopReason).toBe('max-cost');
    expect(stopped.costUsd).toBeLessThanOrEqual(500);
    expect(stopped.completed).toBeGreaterThan(0);
    expect(stopped.completed).toBeLessThan(20);
    expect(store.requireRun('costly')).toMatchObject({ status: 'stopped' });
    const resumed = await runGeneration({
      ...common,
      problems: loadProblems('add:20:train'),
      problemCount: 20,
      maxCostUsd: 5000,
    });
    expect(resumed).toMatchObject({ status: 'completed', done: 20 });
    expect(resumed.costUsd).toBeCloseTo(20 * 60, 6);
  });
});

/** `global.gc` without restarting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe.runIf(process.env.DISTILL_SLOW === '1')('runGeneration at scale (slow suite)', () => {
  it('keeps memory flat over 20k prompts (streamed problems, bounded window, batched writes)', async () => {
    const { store, teacher } = await setup();
    const heap: number[] = [];
    const result = await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:10000:train:level=3,sort:10000:train:level=3'),
      problemCount: 20_000,
      runName: 'big',
      concurrency: 32,
      verify: false,
      progressIntervalMs: 250,
      // Live heap after a full collection, so V8's lazy GC does not read as growth.
      onProgress: () => {
        collectGarbage();
        heap.push(process.memoryUsage().heapUsed);
      },
    });
    expect(result).toMatchObject({ status: 'completed', done: 20_000 });
    const half = Math.floor(heap.length / 2);
    const early = Math.max(...heap.slice(Math.floor(half / 2), half));
    const late = Math.max(...heap.slice(half));
    expect(late - early).toBeLessThan(64 * 1024 * 1024);
  }, 600_000);
});
