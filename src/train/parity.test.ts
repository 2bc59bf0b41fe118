import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStudentPrompt } from '../core/chat-format.ts';
import { initModel } from './init-model.ts';
import { writeAdditionRows } from './testing/addition-rows.ts';
import { llamaLogProbs, maxAbsDiff, torchLogProbs } from './testing/logit-parity.ts';
import { trainModel } from './train-model.ts';

describe('logit parity between PyTorch and llama.cpp after training', () => {
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-parity-'));
    data = join(dir, 'data.jsonl');
    await writeAdditionRows(data, 40);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // qwen2 (NEOX RoPE, biases, tied embeddings) is the slower second case: CI runs it with DISTILL_SLOW=1.
  // llama+lora: adapters on every projection, merged at export (the merged GGUF is what llama.cpp runs).
  const archs =
    process.env.DISTILL_SLOW === '1'
      ? (['llama', 'llama+lora', 'qwen2'] as const)
      : (['llama', 'llama+lora'] as const);
  for (const variant of archs) {
    const arch = variant === 'llama+lora' ? 'llama' : variant;
    const lora = variant === 'llama+lora' ? { loraRank: 4, lr: 3e-2 } : {};
    it(`${variant}: trained GGUF gives the same next-token log-probs (max abs diff < 1e-3)`, {
      timeout: 600_000,
    }, async () => {
      const base = join(dir, `${variant}-init.gguf`);
      await initModel({ preset: 'nano', out: base, seed: 5, arch });
      const out = join(dir, `${variant}-trained.gguf`);
      const res = await trainModel({
        data,
        base,
        out,
        maxSteps: 3,
        lr: 3e-3,
        batchTokens: 1024,
        seqLen: 64,
        threads: 1,
        ...lora,
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
