import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../src/core/problem.ts';
import { loadModel } from '../src/runtime/index.ts';
import { loadProblems, toChatTrainingRow } from '../src/tasks/index.ts';
import { trainModel } from '../src/train/index.ts';
import { lastBoxed } from '../src/verify/index.ts';

/**
 * Proof that training teaches: a fresh `nano` model (0.21M params, ADR 0006) trained on the `add` family's level-1
 * reference traces (2-digit addition/subtraction, column by column), then greedy generation through llama.cpp on
 * held-out eval problems. An untrained or format-only model scores ~0 (the answers are 1–3 digit numbers).
 * Budget: STEPS × 1,024 tokens (a few minutes on 2 quiet cores — copy heads form after ~1,300 steps and the digit
 * sums after that), so it runs with the slow suite (DISTILL_SLOW=1).
 */
const TRAIN = 'add:6000:train:level=1';
const EVAL = 'add:40:eval:level=1';
const STEPS = 6000;
const MIN_CORRECT = 10;

describe.runIf(process.env.DISTILL_SLOW === '1' || process.env.DISTILL_LEARNING === '1')(
  'a trained nano student answers held-out problems',
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'distill-learn-'));
      const rows: string[] = [];
      for await (const p of loadProblems(TRAIN)) {
        const row = toChatTrainingRow(p);
        if (row) rows.push(JSON.stringify(row));
      }
      await writeFile(join(dir, 'train.jsonl'), `${rows.join('\n')}\n`);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(`gets at least ${MIN_CORRECT}/40 boxed answers right`, { timeout: 1_800_000 }, async () => {
      const out = join(dir, 'student.gguf');
      const res = await trainModel({
        data: join(dir, 'train.jsonl'),
        preset: 'nano',
        out,
        maxSteps: STEPS,
        lr: 5e-3,
        batchTokens: 1024,
        seqLen: 320, // the longest level-1 example is 311 tokens: a shorter row would drop half the data (W_LONG_EXAMPLES)
        warmupSteps: 50,
        weightDecay: 0,
        threads: 2,
        evalFraction: 0.02,
      });
      expect(res.loss).not.toBeNull();
      const problems: Problem[] = [];
      for await (const p of loadProblems(EVAL)) problems.push(p);
      const model = await loadModel(out, { slots: 20, contextPerSequence: 512 });
      try {
        const traces = await model.generateBatch(
          problems.map((p) => ({
            messages: [{ role: 'user' as const, content: p.prompt }],
            temperature: 0,
            maxTokens: 400,
          })),
        );
        const correct = traces.filter((t, i) => lastBoxed(t.answer) === problems[i]?.gold).length;
        console.log(
          `learning test: ${correct}/${problems.length} correct, train loss ${res.loss}, eval loss ${res.evalLoss}`,
        );
        expect(correct).toBeGreaterThanOrEqual(MIN_CORRECT);
      } finally {
        await model.dispose();
      }
    });
  },
);
