import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking, renderStudentPrompt } from '../core/chat-format.ts';
import { initModel } from './init-model.ts';
import { trainModel } from './train-model.ts';
import { runWorker } from './worker.ts';

/** Log-softmax of PyTorch's logits for every position of `tokens` (via the worker's `logits` command). */
async function torchLogProbs(model: string, tokens: number[]): Promise<number[][]> {
  const { done } = await runWorker(['logits', '--model', model, '--tokens', tokens.join(',')]);
  const rows = done.logits as number[][];
  return rows.map((row) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    return row.map((x) => x - lse);
  });
}

/** Log-probabilities from llama.cpp (node-llama-cpp, F32, full distribution) at every position. */
async function llamaLogProbs(
  modelPath: string,
  text: string,
): Promise<{ tokens: number[]; logProbs: number[][] }> {
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath });
  try {
    const tokens = model.tokenize(text, true) as number[];
    const ctx = await model.createContext({ contextSize: 256, threads: 1 });
    const all = {
      generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } },
    };
    const res = await ctx.getSequence().controlledEvaluate(tokens.map((t) => [t as Token, all]));
    const logProbs = res.map((r) => {
      const row: number[] = [];
      for (const [tok, p] of r?.next.probabilities ?? []) row[tok] = Math.log(p);
      return row;
    });
    await ctx.dispose();
    return { tokens, logProbs };
  } finally {
    await model.dispose();
  }
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  a.forEach((row, i) => {
    row.forEach((x, j) => {
      const y = b[i]?.[j] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(x - y));
    });
  });
  return worst;
}

describe('logit parity between PyTorch and llama.cpp after training', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-parity-'));
    data = join(dir, 'data.jsonl');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const a = 10 + ((i * 37) % 90);
      const b = 10 + ((i * 53) % 90);
      return JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${a} + ${b}?` },
          {
            role: 'assistant',
            content: formatAssistantWithThinking(`${a} + ${b} = ${a + b}.`, `\\boxed{${a + b}}`),
          },
        ],
      });
    });
    await writeFile(data, `${rows.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // qwen2 (NEOX RoPE, biases, tied embeddings) is the slower second case: CI runs it with DISTILL_SLOW=1.
  const archs = process.env.DISTILL_SLOW === '1' ? (['llama', 'qwen2'] as const) : (['llama'] as const);
  for (const arch of archs) {
    it(`${arch}: trained GGUF gives the same next-token log-probs (max abs diff < 1e-3)`, {
      timeout: 600_000,
    }, async () => {
      const base = join(dir, `${arch}-init.gguf`);
      await initModel({ preset: 'nano', out: base, seed: 5, arch });
      const out = join(dir, `${arch}-trained.gguf`);
      const res = await trainModel({
        data,
        base,
        out,
        maxSteps: 3,
        lr: 3e-3,
        batchTokens: 1024,
        seqLen: 64,
        threads: 1,
      });
      expect(res.steps).toBe(3);
      const text = renderStudentPrompt([{ role: 'user', content: 'What is 47 + 38?' }]);
      const fromLlama = await llamaLogProbs(out, `${text}47 + 38 = 85.\n</think>\n\n`);
      const fromTorch = await torchLogProbs(out, fromLlama.tokens);
      expect(fromTorch).toHaveLength(fromLlama.tokens.length);
      const diff = maxAbsDiff(fromTorch, fromLlama.logProbs);
      expect(diff).toBeLessThan(1e-3);
      // training moved the weights: the untrained model disagrees far beyond the tolerance
      const untrained = await torchLogProbs(base, fromLlama.tokens);
      expect(maxAbsDiff(untrained, fromLlama.logProbs)).toBeGreaterThan(1e-2);
    });
  }
});
