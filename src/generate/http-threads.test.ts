import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCommand } from 'citty';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { command as generate } from '../cli/commands/generate.ts';
import { openStore } from '../store/open-store.ts';
import { loadProblems } from '../tasks/load.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import { startLoopbackTeacher } from '../teachers/testing/loopback-teacher.ts';
import { httpWorkersForTesting } from '../teachers/threaded/http-lanes.ts';
import { ThreadedTeacher } from '../teachers/threaded/threaded-teacher.ts';
import { runGeneration } from './run-generation.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-http-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const env = { DISTILL_KEYS_FILE: '/nonexistent' };
const bin = join(import.meta.dirname, '..', '..', 'bin', 'distill.mjs');
const run = promisify(execFile);

describe('generate with the teacher HTTP on a worker thread', () => {
  it('runGeneration through a threaded teacher stores exactly N samples', async () => {
    const server = await startLoopbackTeacher({ delayMs: 0 });
    cleanup.push(server.close);
    const teacher = await createTeacher(`openai-compatible:${server.url}/v1`, { env, httpThreads: 1 });
    expect(teacher).toBeInstanceOf(ThreadedTeacher);
    const store = openStore(join(dir, 'engine.sqlite'));
    cleanup.push(() => store.close());
    const result = await runGeneration({
      store,
      teacher,
      problems: loadProblems('add:40:train'),
      problemCount: 40,
      runName: 'threaded',
      samples: 2,
      concurrency: 16,
    });
    expect(result).toMatchObject({ status: 'completed', completed: 80, failed: 0 });
    expect(store.countSamples(store.requireRun('threaded').id)).toBe(80);
    expect(server.answered).toBe(80);
  });

  it('`distill generate --http-threads 1` stores every sample and exits by itself', async () => {
    const server = await startLoopbackTeacher({ delayMs: 0 });
    cleanup.push(server.close);
    const store = join(dir, 'cli.sqlite');
    const started = Date.now();
    const generateOnce = async () => {
      const { stdout } = await run(
        process.execPath,
        [
          bin,
          'generate',
          '--teacher',
          `openai-compatible:${server.url}/v1`,
          '--tasks',
          'add:12:train',
          '--out',
          'cli',
          '--http-threads',
          '1',
          '--json',
        ],
        { cwd: dir, env: { ...process.env, ...env, DISTILL_STORE: store }, timeout: 60_000 },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };
    expect(await generateOnce()).toMatchObject({ status: 'completed', completed: 12, failed: 0 });
    expect(server.answered).toBe(12);
    // The idle worker must not hold the process open (execFile would kill it at its timeout: an error).
    expect(Date.now() - started).toBeLessThan(60_000);
    // Resumed with everything stored: the worker starts with the teacher but gets no request, and must not hold
    // the process either (it did: the worker was unref'd before its 'message' listener, which refs it again).
    expect(await generateOnce()).toMatchObject({ status: 'completed', completed: 0, skipped: 12 });
    expect(server.answered).toBe(12);
    const opened = openStore(store, { readonly: true });
    expect(opened.countSamples(opened.requireRun('cli').id)).toBe(12);
    opened.close();
  });

  it('`generate --http-threads 3` spreads the requests over three worker threads', async () => {
    const server = await startLoopbackTeacher({ delayMs: 0 });
    cleanup.push(server.close);
    expect(httpWorkersForTesting().length).toBeLessThan(3);
    await runCommand(generate, {
      rawArgs: [
        '--teacher',
        `openai-compatible:${server.url}/v1`,
        '--tasks',
        'add:9:train',
        '--out',
        'three',
        '--store',
        join(dir, 'three.sqlite'),
        '--http-threads',
        '3',
        '--json',
      ],
    });
    expect(server.answered).toBe(9);
    expect(httpWorkersForTesting()).toHaveLength(3);
  });

  it('an unknown spelling of the option is refused with the right name', async () => {
    const error = (await run(
      process.execPath,
      [
        bin,
        'generate',
        '--teacher',
        'openai-compatible:http://127.0.0.1:9/v1#m',
        '--tasks',
        'add:2:train',
      ].concat(['--out', 'x', '--http-thread', '1']),
      { cwd: dir, env: { ...process.env, DISTILL_STORE: join(dir, 'never.sqlite') }, timeout: 60_000 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | undefined;
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(/--http-threads/);
  });
});
