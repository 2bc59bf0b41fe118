import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.ts';
import { type LoopbackTeacher, startLoopbackTeacher } from '../teachers/testing/loopback-teacher.ts';
import { generateFromSpec } from './generate-from-spec.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

// Three real HTTP servers and a few hundred requests: bounded (≈ seconds) but kept out of the default suite.
describe.runIf(process.env.DISTILL_SLOW === '1')('a teacher pool of three loopback servers', () => {
  it('stores exactly N samples once each when one server dies mid-run and one rate-limits', async () => {
    const healthy = await startLoopbackTeacher();
    const dying = await startLoopbackTeacher({ dieAfter: 25 });
    const limiting = await startLoopbackTeacher({ rateLimitEvery: 4 });
    const servers: LoopbackTeacher[] = [healthy, dying, limiting];
    for (const s of servers) cleanup.push(() => s.close());
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'distill-pool-')), 'store.sqlite'));
    cleanup.push(() => store.close());
    const uris = servers.map((s) => `openai-compatible:${s.url}/v1#pool-r1`);
    const N = 300;
    const outcome = await generateFromSpec({
      store,
      teacherUri: uris,
      tasks: `add:${N}:train`,
      runName: 'pool',
      concurrency: 4,
      maxTokens: 64,
      requestTimeoutMs: 5000,
      backoff: { baseMs: 20, maxMs: 200 },
      env: { DISTILL_KEYS_FILE: '/nonexistent' },
    });
    if (outcome.kind !== 'run') throw new Error('expected a run');
    expect(outcome.result.status).toBe('completed');
    expect(outcome.result.failed).toBe(0);
    const run = store.requireRun('pool');
    expect(store.countSamples(run.id)).toBe(N);
    const dup = store.db
      .prepare(
        "SELECT count(*) - count(DISTINCT problem_id || '/' || sample_idx) FROM samples WHERE run_id = ?",
      )
      .pluck()
      .get(run.id);
    expect(dup).toBe(0);
    // Provenance names the endpoint of every sample; the shares match what each server answered.
    const share = new Map<string, number>();
    for (const s of store.iterateSamples(run.id)) {
      const e = s.provenance.teacher.endpoint;
      expect(e).toBeDefined();
      share.set(e!, (share.get(e!) ?? 0) + 1);
    }
    // The dying server served some samples before it died (never more than it answered), and none after.
    expect(share.get(uris[1]!)).toBeGreaterThan(0);
    expect(share.get(uris[1]!)).toBeLessThanOrEqual(dying.answered);
    expect(dying.answered).toBe(25);
    expect(share.get(uris[0]!)).toBeGreaterThan(0);
    expect(share.get(uris[2]!)).toBeGreaterThan(0);
    expect(limiting.limited).toBeGreaterThan(0);
    expect([...share.values()].reduce((a, b) => a + b, 0)).toBe(N);
    // The run records the pool: the checked model of each endpoint, and each endpoint's share and health.
    const pool = run.config.pool as Array<{ uri: string; model: string; servedModels: string[] }>;
    expect(pool.map((p) => [p.uri, p.model, p.servedModels])).toEqual(
      uris.map((u) => [u, 'pool-r1', ['pool-r1']]),
    );
    const report = run.summary.pool as Array<{ uri: string; served: number; health: string }>;
    expect(report.map((r) => r.served)).toEqual(uris.map((u) => share.get(u)));
    expect(report[1]?.health).not.toBe('healthy');
  }, 60_000);

  it('distill generate takes --teacher twice or --teachers FILE, and exits 2 for a pool of two models', async () => {
    const a = await startLoopbackTeacher();
    const b = await startLoopbackTeacher();
    const other = await startLoopbackTeacher({ model: 'other' });
    for (const s of [a, b, other]) cleanup.push(() => s.close());
    const dir = mkdtempSync(join(tmpdir(), 'distill-pool-cli-'));
    const env = { DISTILL_KEYS_FILE: '/nonexistent' };
    const common = [
      '--tasks',
      'add:12:train',
      '--max-tokens',
      '64',
      '--store',
      join(dir, 's.sqlite'),
      '--json',
    ];
    const twice = await spawnCli(
      [
        'generate',
        '--teacher',
        `openai-compatible:${a.url}/v1#pool-r1`,
        `--teacher=openai-compatible:${b.url}/v1#pool-r1`,
        '--out',
        'twice',
        ...common,
      ],
      env,
    ).done;
    expect(twice.code, twice.stderr).toBe(0);
    expect(a.answered).toBeGreaterThan(0);
    expect(b.answered).toBeGreaterThan(0);
    expect(a.answered + b.answered).toBe(12);
    const file = join(dir, 'teachers.yaml');
    writeFileSync(
      file,
      `teachers:\n  - uri: openai-compatible:${a.url}/v1#pool-r1\n    concurrency: 2\n  - uri: openai-compatible:${other.url}/v1\n`,
    );
    const mixed = await spawnCli(['generate', '--teachers', file, '--out', 'mixed', ...common], env).done;
    expect(mixed.code).toBe(2);
    expect(mixed.stdout + mixed.stderr).toMatch(/different models/);
    writeFileSync(file, 'teachers:\n  - url: http://x\n');
    const invalid = await spawnCli(['generate', '--teachers', file, '--out', 'bad', ...common], env).done;
    expect(invalid.code).toBe(2);
    expect(invalid.stdout + invalid.stderr).toMatch(/teacher pool/);
  }, 120_000);
});
