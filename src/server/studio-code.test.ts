import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';
import { StudioSamplesResponseSchema } from './studio-schema.ts';
import { storeWithCodeRun } from './testing/code-run.ts';

let fixture: ReturnType<typeof storeWithCodeRun>;
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  fixture = storeWithCodeRun();
  fixture.store.close();
  store = openStore(fixture.store.path, { readonly: true });
  server = await listen(createServer({ registry: new ModelRegistry(), store, webRoot: false }).app, {
    host: '127.0.0.1',
    port: 0,
  });
});

afterAll(async () => {
  await server?.close();
  store?.close();
  fixture?.dispose();
});

describe('Studio API: code test results per sample', () => {
  it('returns each code verdict with the failing test, expected vs got, limits and output', async () => {
    const res = await fetch(`${server.url}/api/runs/gen-code/samples`);
    expect(res.status).toBe(200);
    const page = StudioSamplesResponseSchema.parse(await res.json());
    const byProblem = new Map(page.data.map((s) => [s.problemId, s]));
    expect(byProblem.get('code-add-1')?.verdict?.code).toEqual({
      status: 'wrong-answer',
      passed: 1,
      total: 3,
      failure: { test: 1, text: 'assert add(-1, 1) == 0', expected: '0', got: '7' },
      stdout: 'adding 1 2\nadding -1 1',
      wallMs: 41,
    });
    expect(byProblem.get('code-add-1')?.verdict?.detail).toBe(
      'test 2/3 failed: assert add(-1, 1) == 0 — expected 0, got 7',
    );
    expect(byProblem.get('code-add-2')?.verdict?.code).toMatchObject({ status: 'timeout', passed: 0 });
    // A math verdict has no test results.
    expect(byProblem.get('add-3')?.verdict).not.toHaveProperty('code');
  });
});
