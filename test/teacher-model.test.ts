import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAnswer, collectProblems } from '../src/eval/evaluate.ts';
import { runEval } from '../src/eval/run-eval.ts';
import { loadModel } from '../src/runtime/local-model.ts';

const TEACHER = 'models/distill-teacher-q8_0.gguf';

/**
 * The shipped teacher was trained by `distill train` (recipes/teacher.yaml) and quantized by `distill quantize`:
 * it must answer held-out eval problems it never saw, through the runtime, with visible thinking.
 */
describe.runIf(existsSync(TEACHER))('the built-in teacher', () => {
  it('answers held-out reverse and add problems with thinking, greedy', async () => {
    const problems = await collectProblems('reverse:20:eval:level=1,add:20:eval:level=1');
    const model = await loadModel(TEACHER, { slots: 20, contextPerSequence: 1024 });
    try {
      expect(model.info.metadata['general.name']).toBe('Distill built-in teacher');
      const rows = await runEval({
        model,
        problems,
        settings: { samples: 1, temperature: 0, topP: 1, maxTokens: 400, thinkingBudget: null, seed: 1 },
        check: checkAnswer,
        concurrency: 20,
      });
      const correct = rows.filter((r) => r.correct).length;
      expect(correct).toBeGreaterThanOrEqual(36);
      expect(rows.every((r) => r.reasoningTokens > 0)).toBe(true);
    } finally {
      await model.dispose();
    }
  });
});
