import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import { makeSample } from '../store/__fixtures__/make-sample.ts';
import { type OpenStoreOptions, openStore } from '../store/open-store.ts';
import { loadProblems } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import type { GenerationProgress } from './options.ts';
import { runGeneration } from './run-generation.ts';
import { SampleWriter, usesWriteThread } from './sample-writer.ts';
import { startFakeTeacher } from './testing/fake-teacher-server.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(storeOptions: OpenStoreOptions = {}) {
  const server = await startFakeTeacher();
  const file = join(mkdtempSync(join(tmpdir(), 'distill-writer-thread-')), 'store.sqlite');
  const store = openStore(file, storeOptions);
  cleanup.push(
    () => server.close(),
    () => store.close(),
  );
  const teacher = await createTeacher(`openai-compatible:${server.url}/v1#fake-r1`, {
    env: { DISTILL_KEYS_FILE: '/nonexistent' },
  });
  return { server, store, file, teacher };
}

/** Hold the store's write lock from another connection (a slow disk, another process) until released. */
function holdWriteLock(file: string): () => void {
  const blocker = new Database(file);
  blocker.exec('BEGIN IMMEDIATE');
  return () => {
    if (!blocker.open) return;
    blocker.exec('ROLLBACK');
    blocker.close();
  };
}

describe('runGeneration with the sample write thread', () => {
  it('stores exactly N samples and the run summary; progress counts batches in transit as done', async () => {
    const { store, file, teacher } = await setup();
    const progress: GenerationProgress[] = [];
    const run = runGeneration({
      store,
      teacher,
      problems: loadProblems('add:30:train'),
      problemCount: 30,
      runName: 'threaded',
      samples: 2,
      concurrency: 4,
      writerThread: true,
      writer: { batchSize: 4 },
      progressIntervalMs: 10,
      onProgress: (p) => progress.push(p),
    });
    // Batches wait on the thread for a while: samples in transit are neither buffered nor committed.
    const release = holdWriteLock(file);
    cleanup.push(release);
    await sleep(300);
    release();
    const result = await run;
    expect(result).toMatchObject({ status: 'completed', completed: 60, done: 60, failed: 0 });
    const stored = store.requireRun('threaded');
    expect(store.countSamples(stored.id)).toBe(60);
    expect(stored.status).toBe('completed');
    expect(stored.summary).toMatchObject({
      requested: 60,
      tokens: { input: 60 * 20, reasoning: 60 * 30, output: 60 * 10 },
    });
    // A fresh run: every completed sample is done (buffered, in transit or committed), at every report.
    expect(progress.length).toBeGreaterThan(5);
    for (const p of progress) expect(p.done).toBe(p.completed);
    expect(progress.some((p) => p.done > 0 && p.done < 60)).toBe(true);
  });

  it('each batch commits the run summary of its flush in its own transaction (a reader never sees them apart)', async () => {
    const { store, teacher } = await setup();
    const snapshots: Array<{ stored: number; input: number }> = [];
    // One read transaction: the committed rows and the summary as of the same commit (the thread may already be a
    // batch further than the reply being handled).
    const snapshot = store.db.transaction(() => {
      const run = store.requireRun('summaries');
      return { stored: store.countSamples(run.id), input: (run.summary.tokens as { input: number }).input };
    });
    await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:24:train'),
      problemCount: 24,
      runName: 'summaries',
      concurrency: 2,
      writerThread: true,
      writer: { batchSize: 8, intervalMs: 60_000, onFlush: () => snapshots.push(snapshot()) },
    });
    // Three full batches of 8, and one more: the writer flushes what it holds when the last request is sent.
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    expect(snapshots.length).toBeLessThanOrEqual(4);
    // At each flush the summary counted exactly the samples written so far (the fake teacher's 20 input tokens each).
    for (const s of snapshots) expect(s.input).toBe(s.stored * 20);
    expect(snapshots.at(-1)).toEqual({ stored: 24, input: 24 * 20 });
  });

  it('once finishing, the writer flushes what it holds and then every 64 samples; drain commits the rest and closes', async () => {
    for (const thread of [true, false]) {
      const { store } = await setup();
      const run = store.createRun({ name: `finishing-${thread}`, kind: 'generate' });
      const flushed: number[] = [];
      const writer = new SampleWriter(store, {
        thread,
        intervalMs: 60_000,
        onFlush: (inserted) => flushed.push(inserted),
      });
      const add = (from: number, n: number) => {
        for (let i = from; i < from + n; i++) writer.add(makeSample({ runId: run.id, problemId: `p${i}` }));
      };
      add(0, 100);
      expect(writer.pending).toBe(100); // below a batch of 512: held
      writer.finishing();
      add(100, 70); // 64 flush at once, 6 wait for the drain
      await writer.drain();
      expect(flushed).toEqual([100, 64, 6]);
      expect(store.countSamples(run.id)).toBe(170);
      // The write thread indexes each batch for search as it commits it: nothing is left for the run's end.
      if (thread) expect(store.indexSearch()).toBe(0);
    }
  });

  it('a write error on the thread surfaces as StoreError and the run does not report completed', async () => {
    const { store, file, teacher } = await setup({ busyTimeoutMs: 100 });
    const start = () =>
      runGeneration({
        store,
        teacher,
        problems: loadProblems('add:40:train'),
        problemCount: 40,
        runName: 'doomed',
        concurrency: 4,
        writerThread: true,
        writer: { batchSize: 8 },
      });
    const run = start();
    // runGeneration marked the run running before its first await; now nobody can write for long.
    const release = holdWriteLock(file);
    cleanup.push(release);
    const error = await run.catch((e: unknown) => e);
    release();
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'E_STORE', hint: expect.stringContaining('busy') });
    expect(store.requireRun('doomed').status).not.toBe('completed');
    // Re-running resumes: every sample ends up stored once.
    const again = await start();
    expect(again).toMatchObject({ status: 'completed', done: 40 });
    expect(store.countSamples(store.requireRun('doomed').id)).toBe(40);
  });

  it('a failing batch (a raw SQLite error) marks the run failed, with the error, and a re-run resumes', async () => {
    const { store, teacher } = await setup();
    // Every insert into samples now fails inside SQLite, on whichever connection makes it.
    store.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON samples BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    const options = {
      store,
      teacher,
      problemCount: 16,
      runName: 'failed',
      concurrency: 2,
      writerThread: true,
      writer: { batchSize: 4 },
    } as const;
    const error = await runGeneration({ ...options, problems: loadProblems('add:16:train') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(/^Writing samples to .*store\.sqlite failed: disk on fire/),
      hint: expect.stringContaining('re-run'),
    });
    const stored = store.requireRun('failed');
    expect(stored.status).toBe('failed');
    expect(stored.summary.error).toMatchObject({ name: 'StoreError', code: 'E_STORE' });
    expect(store.countSamples(stored.id)).toBe(0);
    store.db.exec('DROP TRIGGER refuse');
    const again = await runGeneration({ ...options, problems: loadProblems('add:16:train') });
    expect(again).toMatchObject({ status: 'completed', done: 16 });
  });

  it('back-pressure: with the disk stalled, at most the bound of batches is produced, then the run completes', async () => {
    const { server, store, file, teacher } = await setup();
    const run = runGeneration({
      store,
      teacher,
      problems: loadProblems('add:80:train'),
      problemCount: 80,
      runName: 'bounded',
      concurrency: 4,
      writerThread: true,
      writer: { batchSize: 4, maxBatchesInTransit: 2 },
    });
    // runGeneration marked the run running before its first await; from now on no batch commits.
    const release = holdWriteLock(file);
    cleanup.push(release);
    // Two batches in transit fill the bound; then give the dispatcher time to overrun it, were it not held.
    while (server.answered < 8) await sleep(10);
    await sleep(400);
    // Bound: 2 batches in transit (8) + a partial buffer (3) + the requests in flight when it filled (4).
    // Without back-pressure the instant teacher answers all 80 in this time.
    expect(server.answered).toBeLessThanOrEqual(15);
    release();
    expect(await run).toMatchObject({ status: 'completed', done: 80 });
    expect(store.countSamples(store.requireRun('bounded').id)).toBe(80);
  });

  it("'auto' writes in process for a small run or on one core, on the thread for two batches or more", async () => {
    const { store } = await setup();
    expect(usesWriteThread(store, { expectedSamples: 1023 }, 4)).toBe(false);
    expect(usesWriteThread(store, { expectedSamples: 16, batchSize: 8 }, 4)).toBe(true);
    expect(usesWriteThread(store, { expectedSamples: 16, batchSize: 8, thread: false }, 4)).toBe(false);
    expect(usesWriteThread(store, { expectedSamples: 4096 }, 2)).toBe(true);
    // One core: nothing to run beside; forced on still works.
    expect(usesWriteThread(store, { expectedSamples: 4096 }, 1)).toBe(false);
    expect(usesWriteThread(store, { expectedSamples: 16, thread: true }, 1)).toBe(true);
    expect(new SampleWriter(store, { expectedSamples: 16, batchSize: 8, thread: true }).threaded).toBe(true);
    using memory = openStore(':memory:');
    expect(usesWriteThread(memory, { expectedSamples: 10_000 }, 4)).toBe(false);
    expect(() => new SampleWriter(memory, { thread: true })).toThrow(InvalidInputError);
  });

  it('`distill generate --writer-thread on` stores every sample and the process exits by itself, also when nothing is left to write', async () => {
    const { server, store, file } = await setup();
    const generate = async () => {
      const cli = spawnCli([
        'generate',
        '--teacher',
        `openai-compatible:${server.url}/v1#fake-r1`,
        '--tasks',
        'add:30:train',
        '--out',
        'cli',
        '--store',
        file,
        '--writer-thread',
        'on',
        '--json',
      ]);
      cleanup.push(() => cli.child.kill('SIGKILL'));
      const started = performance.now();
      const end = await cli.done;
      // It exited on its own (no process.exit in the CLI): the idle thread held nothing open.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(end.code, end.stderr).toBe(0);
      return JSON.parse(end.stdout.trim().split('\n').at(-1) ?? '{}') as unknown;
    };
    expect(await generate()).toMatchObject({ status: 'completed', done: 30, completed: 30 });
    expect(store.countSamples(store.requireRun('cli').id)).toBe(30);
    // Resumed with everything stored: the thread starts, is never written to, and must not hold the process.
    expect(await generate()).toMatchObject({ status: 'completed', done: 30, completed: 0, skipped: 30 });
  }, 40_000);

  it('`--writer-thread` takes auto, on or off, and says so', async () => {
    const end = await spawnCli([
      'generate',
      '--teacher',
      'openai-compatible:http://127.0.0.1:9/v1#m',
      '--tasks',
      'add:1:train',
      '--out',
      'x',
      '--store',
      join(mkdtempSync(join(tmpdir(), 'distill-writer-thread-')), 'store.sqlite'),
      '--writer-thread',
      'sometimes',
    ]).done;
    expect(end.code).toBe(2);
    expect(end.stderr).toContain("--writer-thread must be auto, on or off, not 'sometimes'");
  }, 25_000);
});
