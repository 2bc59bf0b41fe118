import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evalSampleRows } from '../store/eval-queries.ts';
import { openStore } from '../store/open-store.ts';
import { startReplayServer } from '../teachers/testing/replay-server.ts';
import { sandboxTestsEnabled } from '../verify/code/sandbox-gate.ts';
import { codeSampleRows, codeSamplesMarkdown } from './compare-samples.ts';
import { collectProblems, evaluate } from './evaluate.ts';
import { openEvalModel } from './open-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-eval-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(sandboxTestsEnabled('eval on humaneval'))('eval --tasks humaneval:N', () => {
  it('runs every sample in the sandbox and reports pass@1 and the unbiased pass@k', async () => {
    const problems = await collectProblems('humaneval:4');
    // HumanEval/0 always right, /1 always wrong, /2 right on even seeds only, /3 never answers with code.
    const reply = (prompt: string, seed: number): string => {
      const i = problems.findIndex((p) => p.prompt === prompt);
      const p = problems[i];
      const right = p?.reference?.answer ?? '';
      const wrong = `\`\`\`python\ndef ${p?.code?.entryPoint}(*args):\n    return None\n\`\`\``;
      if (i === 0) return right;
      if (i === 1) return wrong;
      if (i === 2) return seed % 2 === 0 ? right : wrong;
      return 'I cannot write code today.';
    };
    const server = await startReplayServer((req) => {
      const body = req.body as { messages: Array<{ content: string }>; seed: number };
      const content = reply(body.messages.at(-1)?.content ?? '', body.seed);
      return {
        body: JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'coder',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content, reasoning_content: 'Plan.' },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
        }),
      };
    });
    const store = openStore(join(dir, 'store.sqlite'));
    try {
      const opened = await openEvalModel(`openai-compatible:${server.url}/v1?stream=false#coder`);
      const settings = {
        samples: 4,
        temperature: 0.6,
        topP: 0.95,
        maxTokens: 512,
        thinkingBudget: null,
        seed: 0,
      };
      const report = await evaluate({ opened, tasks: 'humaneval:4', settings, name: 'he', store });
      expect(report.overall.problems).toBe(4);
      expect(report.overall.pass1).toBeCloseTo((1 + 0 + 0.5 + 0) / 4, 12);
      expect(report.overall.passK).toBeCloseTo((1 + 0 + 1 + 0) / 4, 12);
      expect(report.byFamily.humaneval?.problems).toBe(4);
      const rows = evalSampleRows(store.db, report.id);
      expect(rows).toHaveLength(16);
      // Each row keeps its code test results: the failing test of a wrong program, `no-code` without a program.
      const wrongRow = rows.find((r) => r.problemId === problems[1]!.id)!;
      expect(wrongRow.verdict?.code).toMatchObject({
        status: 'wrong-answer',
        failure: { text: 'check(candidate)' },
      });
      expect(rows.find((r) => r.problemId === problems[3]!.id)?.verdict?.code?.status).toBe('no-code');
      const perSample = codeSampleRows([{ report, samples: rows }]);
      expect(perSample).toHaveLength(16);
      expect(codeSamplesMarkdown(['he'], perSample)).toContain(
        `| ${problems[1]!.id} | 0 | FAIL wrong-answer 0/1 · test 1 \`check(candidate)\``,
      );
    } finally {
      store.close();
      await server.close();
    }
  }, 60_000);
});
