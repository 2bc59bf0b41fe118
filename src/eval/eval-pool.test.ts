import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { spawnCli } from '../generate/testing/spawn-cli.ts';
import { evalSampleRows, loadEvalReport } from '../store/eval-queries.ts';
import { openStore } from '../store/open-store.ts';
import {
  addAnswer,
  type LoopbackTeacher,
  startLoopbackTeacher,
} from '../teachers/testing/loopback-teacher.ts';
import { evaluate } from './evaluate.ts';
import { openEvalModel } from './open-model.ts';
import { EvalReportSchema } from './report.ts';

const env = { DISTILL_KEYS_FILE: '/nonexistent' };
const settings = { samples: 1, temperature: 0, topP: 1, maxTokens: 64, thinkingBudget: null, seed: 1 };
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'distill-eval-pool-'));
  const store = openStore(join(dir, 'store.sqlite'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => store.close());
  return { dir, store };
}

describe('eval against a teacher pool of loopback servers', () => {
  it('finishes on the other endpoints when one dies mid-run, and records who answered each sample', async () => {
    const healthy = await startLoopbackTeacher({ answer: addAnswer });
    const dying = await startLoopbackTeacher({ answer: addAnswer, dieAfter: 6 });
    const other = await startLoopbackTeacher({ answer: addAnswer });
    const servers: LoopbackTeacher[] = [healthy, dying, other];
    for (const s of servers) cleanup.push(() => s.close());
    const uris = servers.map((s) => `openai-compatible:${s.url}/v1#pool-r1`);
    const { store } = tempStore();
    const opened = await openEvalModel(uris, { concurrency: 2, env });
    expect(opened.concurrency).toBe(6);
    const N = 48;
    const report = await evaluate({ opened, tasks: `add:${N}:eval`, settings, name: 'pool', store });

    // Every problem answered once, all correctly: the requests cut by the dying server failed over.
    expect(report.overall.problems).toBe(N);
    expect(report.overall.pass1).toBe(1);
    const rows = evalSampleRows(store.db, report.id);
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.problemId)).size).toBe(N);
    const share = new Map<string, number>();
    for (const r of rows) {
      expect(uris).toContain(r.endpoint);
      share.set(r.endpoint!, (share.get(r.endpoint!) ?? 0) + 1);
    }
    expect(dying.answered).toBe(6);
    expect(share.get(uris[1]!) ?? 0).toBeLessThanOrEqual(6);
    expect(share.get(uris[0]!)).toBeGreaterThan(0);
    expect(share.get(uris[2]!)).toBeGreaterThan(0);

    // The stored report names the pool: each endpoint's checked model, its share, faults and health.
    const stored = EvalReportSchema.parse(loadEvalReport(store.db, 'pool'));
    expect(stored.model.kind).toBe('teacher');
    expect(stored.model.uri).toBe(uris.join(' '));
    const pool = stored.model.pool!;
    expect(pool.map((e) => [e.uri, e.model, e.servedModels])).toEqual(
      uris.map((u) => [u, 'pool-r1', ['pool-r1']]),
    );
    expect(pool.map((e) => e.served)).toEqual(uris.map((u) => share.get(u) ?? 0));
    expect(pool[1]!.faults).toBeGreaterThan(0);
    expect(pool[1]!.health).not.toBe('healthy');
    expect(pool[0]!.faults + pool[2]!.faults).toBe(0);
  });

  it('refuses a pool whose endpoints serve different models, before any problem is sent', async () => {
    const a = await startLoopbackTeacher();
    const b = await startLoopbackTeacher({ model: 'other' });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    await expect(
      openEvalModel([`openai-compatible:${a.url}/v1`, `openai-compatible:${b.url}/v1`], { env }),
    ).rejects.toThrow(InvalidInputError);
    expect(a.answered + b.answered).toBe(0);
  });

  it('a single teacher URI is no pool: no endpoint on the samples, no pool in the report', async () => {
    const a = await startLoopbackTeacher({ answer: addAnswer });
    cleanup.push(() => a.close());
    const { store } = tempStore();
    const opened = await openEvalModel(`openai-compatible:${a.url}/v1#pool-r1`, { env });
    const report = await evaluate({ opened, tasks: 'add:4:eval', settings, name: 'one', store });
    expect(report.model.pool).toBeUndefined();
    expect(evalSampleRows(store.db, report.id).map((r) => r.endpoint)).toEqual([null, null, null, null]);
  });
});

// Child processes of the CLI (a few seconds each on a loaded machine): kept out of the default suite.
describe.runIf(process.env.DISTILL_SLOW === '1')('distill eval with a pool', () => {
  it('takes --model twice or --teachers FILE, and exits 2 for a pool of two models', async () => {
    const a = await startLoopbackTeacher({ answer: addAnswer });
    const b = await startLoopbackTeacher({ answer: addAnswer });
    const other = await startLoopbackTeacher({ model: 'other' });
    for (const s of [a, b, other]) cleanup.push(() => s.close());
    const { dir } = tempStore();
    const common = [
      '--tasks',
      'add:12:eval',
      '--max-tokens',
      '64',
      '--store',
      join(dir, 's.sqlite'),
      '--json',
    ];
    const twice = await spawnCli(
      [
        'eval',
        '--model',
        `openai-compatible:${a.url}/v1#pool-r1`,
        `--model=openai-compatible:${b.url}/v1#pool-r1`,
        '--name',
        'twice',
        ...common,
      ],
      env,
    ).done;
    expect(twice.code, twice.stderr).toBe(0);
    const out = JSON.parse(twice.stdout.trim().split('\n').at(-1)!) as {
      pass1: number;
      pool: Array<{ served: number }>;
    };
    expect(out.pass1).toBe(1);
    expect(out.pool.map((e) => e.served)).toEqual([a.answered, b.answered]);
    expect(a.answered).toBeGreaterThan(0);
    expect(b.answered).toBeGreaterThan(0);
    expect(a.answered + b.answered).toBe(12);
    const file = join(dir, 'teachers.yaml');
    writeFileSync(
      file,
      `teachers:\n  - uri: openai-compatible:${a.url}/v1#pool-r1\n    concurrency: 2\n  - uri: openai-compatible:${other.url}/v1\n`,
    );
    const mixed = await spawnCli(['eval', '--teachers', file, '--name', 'mixed', ...common], env).done;
    expect(mixed.code).toBe(2);
    expect(mixed.stdout + mixed.stderr).toMatch(/different models/);
    const none = await spawnCli(['eval', '--name', 'none', ...common], env).done;
    expect(none.code).toBe(2);
    expect(none.stdout + none.stderr).toMatch(/--model/);
  }, 120_000);
});
