import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evalSampleRows } from '../store/eval-queries.ts';
import { openStore } from '../store/open-store.ts';
import type { PoolTeacher } from '../teachers/pool/pool-teacher.ts';
import { addAnswer, startLoopbackTeacher } from '../teachers/testing/loopback-teacher.ts';
import { ThreadedTeacher } from '../teachers/threaded/threaded-teacher.ts';
import { evaluate } from './evaluate.ts';
import { openEvalModel } from './open-model.ts';

const env = { DISTILL_KEYS_FILE: '/nonexistent' };
const settings = { samples: 1, temperature: 0, topP: 1, maxTokens: 64, thinkingBudget: null, seed: 1 };
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('eval with the teacher HTTP on a worker thread', () => {
  it('a pool whose members run threaded fails over from a dying endpoint and records who answered', async () => {
    const healthy = await startLoopbackTeacher({ answer: addAnswer });
    const dying = await startLoopbackTeacher({ answer: addAnswer, dieAfter: 5 });
    cleanup.push(healthy.close, dying.close);
    const dir = mkdtempSync(join(tmpdir(), 'distill-eval-threads-'));
    const store = openStore(join(dir, 'store.sqlite'));
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => store.close(),
    );
    const uris = [healthy, dying].map((s) => `openai-compatible:${s.url}/v1#pool-r1`);
    const opened = await openEvalModel(uris, { concurrency: 2, env, httpThreads: 1 });
    const pool = opened.model as PoolTeacher;
    for (const e of pool.endpoints) expect(e.teacher).toBeInstanceOf(ThreadedTeacher);
    const N = 30;
    const report = await evaluate({ opened, tasks: `add:${N}:eval`, settings, name: 'threads', store });
    expect(report.overall.problems).toBe(N);
    expect(report.overall.pass1).toBe(1);
    const rows = evalSampleRows(store.db, report.id);
    expect(rows).toHaveLength(N);
    const byEndpoint = (uri: string) => rows.filter((r) => r.endpoint === uri).length;
    expect(byEndpoint(uris[1]!)).toBe(dying.answered);
    expect(byEndpoint(uris[0]!)).toBe(N - dying.answered);
    expect(opened.poolReport?.().map((r) => r.served)).toEqual([N - dying.answered, dying.answered]);
  });
});
