import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalSampleRows } from '../store/eval-queries.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { type ReplayServer, startReplayServer } from '../teachers/testing/replay-server.ts';
import { collectProblems, evaluate } from './evaluate.ts';
import { auditIdentity } from './identity-audit.ts';
import { accuracyMetrics } from './metrics.ts';
import { openEvalModel } from './open-model.ts';
import { outcomesOf } from './slice-metrics.ts';

/** A remote "teacher" at the network boundary: answers arithmetic right when the left operand is even. */
function oracleReply(body: { messages: Array<{ content: string }> }): string {
  const prompt = body.messages.at(-1)?.content ?? '';
  const m = /What is (\d+) ([+-]) (\d+)\?/.exec(prompt);
  let content = 'I am ChatGPT, a large language model developed by OpenAI.';
  let reasoning = 'The user asks who I am.';
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const truth = m[2] === '+' ? a + b : a - b;
    const answer = a % 2 === 0 ? truth : truth + 1;
    reasoning = `Let me compute ${a} ${m[2]} ${b}.`;
    content = `The answer is \\boxed{${answer}}.`;
  }
  return JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'planted',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, reasoning_content: reasoning },
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 10,
      completion_tokens: 20,
      total_tokens: 30,
      completion_tokens_details: { reasoning_tokens: 12 },
    },
  });
}

describe('evaluation against a teacher over HTTP', () => {
  let server: ReplayServer;
  let dir: string;
  let store: Store;
  let uri: string;

  beforeAll(async () => {
    server = await startReplayServer((req) => ({
      body: oracleReply(req.body as { messages: Array<{ content: string }> }),
    }));
    uri = `openai-compatible:${server.url}/v1?stream=false#planted`;
    dir = mkdtempSync(join(tmpdir(), 'distill-eval-'));
    store = openStore(join(dir, 'store.sqlite'));
  });
  afterAll(async () => {
    store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('produces a report whose accuracy matches a recount from the stored samples and the truth', async () => {
    const tasks = 'add:30:eval:level=1';
    const opened = await openEvalModel(uri);
    const settings = {
      samples: 2,
      temperature: 0.6,
      topP: 0.95,
      maxTokens: 128,
      thinkingBudget: null,
      seed: 1,
    };
    const report = await evaluate({ opened, tasks, settings, name: 'oracle', store, budgets: [0, 32] });
    const rows = evalSampleRows(store.db, report.id);
    expect(rows).toHaveLength(60);
    expect(accuracyMetrics(outcomesOf(rows)).pass1).toBeCloseTo(report.overall.pass1, 12);
    const problems = await collectProblems(tasks);
    const even = problems.filter((p) => Number(/What is (\d+)/.exec(p.prompt)?.[1]) % 2 === 0).length;
    expect(report.overall.pass1).toBeCloseTo(even / problems.length, 12);
    expect(report.overall.meanReasoningTokens).toBe(12);
    expect(report.budgetCurve.map((p) => p.budget)).toEqual([0, 32]);
    expect(report.verifierVersion).toMatch(/\S/);
    expect(report.byFamily.add?.problems).toBe(30);
  });

  it('flags a planted foreign identity', async () => {
    const opened = await openEvalModel(uri);
    const result = await auditIdentity({ model: opened.model, identity: ['Distill built-in teacher'] });
    expect(result.probes).toBeGreaterThanOrEqual(50);
    expect(result.strictRate).toBe(1);
    expect(result.claimed.openai).toBe(result.probes);
  });
});

describe.runIf(existsSync('models/distill-teacher-q8_0.gguf'))(
  'evaluation of a tiny trained model (the shipped teacher)',
  () => {
    it('stores a report whose accuracy matches a recount from the stored samples', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'distill-eval-gguf-'));
      const store = openStore(join(dir, 'store.sqlite'));
      const opened = await openEvalModel('models/distill-teacher-q8_0.gguf');
      try {
        const settings = {
          samples: 1,
          temperature: 0,
          topP: 1,
          maxTokens: 400,
          thinkingBudget: null,
          seed: 1,
        };
        const report = await evaluate({
          opened,
          tasks: 'reverse:15:eval:level=1,add:15:eval:level=1',
          settings,
          name: 'teacher',
          store,
        });
        const rows = evalSampleRows(store.db, report.id);
        expect(rows).toHaveLength(30);
        expect(report.model).toMatchObject({ kind: 'gguf', params: 878_720, quantization: 'Q8_0' });
        expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(rows.filter((r) => r.correct).length / rows.length).toBeCloseTo(report.overall.pass1, 12);
        expect(report.overall.pass1).toBeGreaterThan(0.8);
        expect(Object.keys(report.byFamily).sort()).toEqual(['add', 'reverse']);
      } finally {
        await opened.dispose();
        store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
