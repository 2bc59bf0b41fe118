import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWithRun } from '../curate/testing/fixture-run.ts';
import type { EvalReport, SliceMetrics } from '../eval/report.ts';
import { saveEvalReport } from '../store/eval-queries.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { startTrainRun, updateTrainRun } from '../store/train-queries.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';
import { StudioRunsResponseSchema } from './studio-schema.ts';

const KEY = 'studio-train-secret';
let fixture: ReturnType<typeof storeWithRun>;
let readonlyStore: Store;
let server: RunningServer;
let trainId: string;
let metricsFile: string;
let oddId: string;

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

function slice(pass1: number): SliceMetrics {
  return {
    problems: 10,
    samplesPerProblem: 1,
    pass1,
    pass1Ci: { low: pass1 - 0.1, high: pass1 + 0.1 },
    majK: pass1,
    passK: pass1,
    meanReasoningTokens: 40,
    meanAnswerTokens: 5,
    meanTtftMs: 3,
    tokensPerSecond: 500,
    emptyRate: 0,
    truncatedRate: 0,
  };
}

function report(name: string, pass1: number, uri: string): EvalReport {
  return {
    id: `eval-${name}`,
    name,
    createdAt: '2026-11-28T00:00:00Z',
    model: { uri, label: name, kind: 'gguf', sha256: 'x', params: 1000, fileBytes: 4000, quantization: null },
    tasks: 'add:10:eval',
    settings: { samples: 1, temperature: 0, topP: 1, maxTokens: 64, thinkingBudget: null, seed: 1 },
    verifierVersion: 'v1',
    overall: slice(pass1),
    byFamily: { add: slice(pass1) },
    budgetCurve: [],
    wallMs: 1500,
  };
}

const step = (n: number) =>
  `${JSON.stringify({ t: 1000 + n, type: 'step', step: n, totalSteps: 4, loss: 3 - n / 2, lr: 0.001 * n, tokensPerS: 100 * n, etaS: 1 })}\n`;

beforeAll(async () => {
  fixture = storeWithRun('gen-for-train', [
    { problemId: 'p1', prompt: 'What is 1 + 1?', gold: '2', reasoning: 'One and one.', answer: '\\boxed{2}' },
  ]);
  const runDir = join(fixture.dir, 'student.run');
  mkdirSync(runDir);
  metricsFile = join(runDir, 'metrics.jsonl');
  writeFileSync(
    metricsFile,
    `${JSON.stringify({ t: 999, type: 'start', totalSteps: 4 })}\n${step(1)}${step(2)}`,
  );
  appendFileSync(metricsFile, `${JSON.stringify({ t: 1003, type: 'eval', step: 2, evalLoss: 2.5 })}\n`);
  appendFileSync(metricsFile, '{"t":1004,"type":"step","st'); // a line the worker is still writing
  const run = startTrainRun(fixture.store.db, {
    name: join(fixture.dir, 'student.gguf'),
    outPath: join(fixture.dir, 'student.gguf'),
    runDir,
    config: {},
  });
  updateTrainRun(fixture.store.db, run.id, { steps: 2, totalSteps: 4, loss: 2, evalLoss: 2.5 });
  trainId = run.id;
  // A run folder whose metrics file holds other text (a line with a secret, a line of /etc/passwd).
  const oddDir = join(fixture.dir, 'odd.run');
  mkdirSync(oddDir);
  writeFileSync(
    join(oddDir, 'metrics.jsonl'),
    `root:x:0:0:root:/root:/bin/bash\n${JSON.stringify({ type: 'step', step: 1, loss: 1, apiKey: 'sk-SECRET-1' })}\n`,
  );
  oddId = startTrainRun(fixture.store.db, {
    name: join(fixture.dir, 'odd.gguf'),
    outPath: join(fixture.dir, 'odd.gguf'),
    runDir: oddDir,
    config: {},
  }).id;
  saveEvalReport(
    fixture.store.db,
    'eval-teacher',
    'teacher',
    report('teacher', 0.9, 'gguf:/secret/teacher.gguf'),
    [],
  );
  saveEvalReport(
    fixture.store.db,
    'eval-student',
    'student',
    report('student', 0.6, '/secret/student.gguf'),
    [],
  );
  fixture.store.close();
  readonlyStore = openStore(fixture.store.path, { readonly: true });
  const { app } = createServer({
    registry: new ModelRegistry(),
    apiKey: KEY,
    store: readonlyStore,
    webRoot: false,
  });
  server = await listen(app, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  readonlyStore?.close();
  fixture?.dispose();
});

describe('Studio API: train runs, metrics, eval reports', () => {
  it('lists train runs with their progress and eval reports as eval runs', async () => {
    const runs = StudioRunsResponseSchema.parse((await get('/api/runs')).body).data;
    const train = runs.find((r) => r.id === trainId)!;
    expect(train).toMatchObject({
      id: trainId,
      status: 'running',
      train: { steps: 2, totalSteps: 4, loss: 2 },
    });
    const evals = runs.filter((r) => r.kind === 'eval');
    expect(evals.map((r) => r.name).sort()).toEqual(['student', 'teacher']);
    expect(evals.find((r) => r.name === 'teacher')!.eval).toEqual({
      model: 'teacher',
      pass1: 0.9,
      problems: 10,
    });
    expect(runs.map((r) => r.kind).sort()).toEqual(['eval', 'eval', 'generate', 'train', 'train']);
  });

  it('serves the curves of metrics.jsonl as columns, complete lines only, and only the new ones', async () => {
    const first = await get(`/api/runs/${trainId}/metrics`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      exists: true,
      status: 'running',
      totalSteps: 4,
      steps: { step: [1, 2], loss: [2.5, 2], lr: [0.001, 0.002], tokensPerS: [100, 200], t: [1001, 1002] },
      evals: { step: [2], evalLoss: [2.5] },
      next: 4,
    });
    // The worker finishes the half-written line and writes another step: only those come back.
    appendFileSync(metricsFile, `ep":3}\n${step(4)}`);
    const more = await get(`/api/runs/${trainId}/metrics?from=4`);
    expect(more.body).toMatchObject({
      steps: { step: [3, 4], loss: [null, 1] },
      evals: { step: [] },
      next: 6,
      totalSteps: 4,
    });
  });

  it('reads only a train run\u2019s own metrics file: no paths, no other runs', async () => {
    expect((await get('/api/runs/gen-for-train/metrics')).body.error?.code).toBe('run_not_found');
    expect((await get(`/api/runs/${encodeURIComponent('../../etc/passwd')}/metrics`)).status).toBe(404);
    expect((await get(`/api/runs/${encodeURIComponent(metricsFile)}/metrics`)).status).toBe(404);
    expect((await get(`/api/runs/${trainId}/metrics?from=-1`)).status).toBe(400);
    expect((await get(`/api/runs/${trainId}/metrics`, {})).status).toBe(401);
    // Only the known numeric fields leave the file: no other text, no other field.
    const odd = await get(`/api/runs/${oddId}/metrics`);
    expect(odd.status).toBe(200);
    expect(odd.body).toMatchObject({ steps: { step: [1], loss: [1] } });
    expect(JSON.stringify(odd.body)).not.toMatch(/SECRET|root:x|apiKey/);
  });

  it('compares stored reports like `distill compare`, by name or id only, without model paths', async () => {
    const list = await get('/api/evals');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('/secret/');
    const cmp = await get('/api/compare?reports=teacher,eval-student');
    expect(cmp.status).toBe(200);
    const rows = cmp.body.rows as { label: string; pass1: number; retained: number }[];
    expect(rows.map((r) => r.label)).toEqual(['teacher', 'student']);
    expect(rows[1]!.retained).toBeCloseTo(0.6 / 0.9);
    expect(cmp.body.markdown).toContain('| teacher |');
    expect(JSON.stringify(cmp.body)).not.toContain('/secret/');
    // A report file on disk is not read through the API (distill compare would).
    const file = join(fixture.dir, 'report.json');
    writeFileSync(file, JSON.stringify(report('on-disk', 0.5, 'x')));
    expect((await get(`/api/compare?reports=${encodeURIComponent(file)}`)).body.error?.code).toBe(
      'report_not_found',
    );
    expect((await get('/api/compare')).status).toBe(400);
    expect((await get('/api/compare?reports=teacher', {})).status).toBe(401);
  });
});
