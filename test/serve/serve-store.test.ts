import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWithRun } from '../../src/curate/testing/fixture-run.ts';
import { StudioRunsResponseSchema } from '../../src/server/studio-schema.ts';
import { type SpawnedServer, spawnServe } from './spawn-serve.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TEACHER = 'models/distill-teacher-q8_0.gguf';
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let fixture: ReturnType<typeof storeWithRun>;
let server: SpawnedServer;
let before: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, TEACHER))) return;
  fixture = storeWithRun('serve-store-run', [
    { problemId: 'p1', prompt: 'What is 1 + 1?', gold: '2', reasoning: 'one and one', answer: '\\boxed{2}' },
  ]);
  fixture.store.checkpoint();
  fixture.store.close();
  before = sha(fixture.store.path);
  server = await spawnServe([TEACHER, '--store', fixture.store.path, '--no-web', '--quiet']);
});

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
  fixture?.dispose();
});

describe.runIf(existsSync(join(ROOT, TEACHER)))('distill serve --store', () => {
  it('serves the store read-only under /api and leaves the file untouched', async () => {
    const res = await fetch(`${server.url}/api/runs`);
    expect(res.status).toBe(200);
    const runs = StudioRunsResponseSchema.parse(await res.json()).data;
    expect(runs.map((r) => [r.name, r.counts.samples])).toEqual([['serve-store-run', 1]]);
    expect(sha(fixture.store.path)).toBe(before);
  });

  it('refuses a --store that does not exist (exit 2), rather than creating it', async () => {
    const missing = join(fixture.dir, 'missing.sqlite');
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      [join(ROOT, 'bin/distill.mjs'), 'serve', TEACHER, '--store', missing, '--port', '0'],
      {
        cwd: ROOT,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(2);
    expect((failure as { stderr: string }).stderr).toContain('No store at');
    expect(existsSync(missing)).toBe(false);
  });
});
