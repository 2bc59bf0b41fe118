import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStudentPrompt } from '../core/chat-format.ts';
import { initModel } from './init-model.ts';
import { argmax, llamaLogProbs, maxAbsDiff, torchLogProbs } from './testing/logit-parity.ts';

/**
 * The contract of every supported architecture (ARCHITECTURE.md "Real students"): a tiny random model of it,
 * written as an F32 GGUF by the worker, gives the same next-token log-probs in PyTorch and in llama.cpp.
 * gemma3's model slides 2 of its 3 layers over 8 positions with their own RoPE base, so the 40-token input
 * exercises both kinds of layer; qwen3 and gemma3 use heads wider than dim/heads (attention.key_length).
 */
/**
 * Init std × this: logits spread over nats instead of ≈uniform, so a wrong feature cannot hide. The others
 * agree to ~2e-6 at ×4; gemma3 stays at ×2 because llama.cpp's CPU GELU reads an fp16 lookup table (at ×6 it
 * differs by 1.5e-3, 5.5e-4 when PyTorch emulates the table; 1.1e-3 at ×4).
 */
const SCALE = { llama: 4, 'llama-3': 4, qwen2: 4, qwen3: 4, gemma3: 2 } as const;
type Variant = keyof typeof SCALE;

function meanSpread(rows: number[][]): number {
  return rows.reduce((s, r) => s + Math.max(...r) - Math.min(...r), 0) / rows.length;
}

describe('logit parity per architecture (tiny random F32 GGUF, PyTorch vs llama.cpp)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-arch-parity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // llama-3: llama with a `rope_freqs` tensor (per-frequency factors) and linear RoPE scaling ×2
  for (const variant of (process.env.ARCHS?.split(',') ?? Object.keys(SCALE)) as Variant[]) {
    const arch = variant === 'llama-3' ? 'llama' : variant;
    it(`${variant}: max abs diff ≤ 1e-3, same argmax at every position`, { timeout: 300_000 }, async () => {
      const model = join(dir, `${variant}.gguf`);
      await initModel({
        preset: 'nano',
        out: model,
        seed: 11,
        arch,
        initScale: SCALE[variant],
        ropeFreqs: variant === 'llama-3',
      });
      const text = `${renderStudentPrompt([{ role: 'user', content: 'What is 47 + 38?' }])}47 + 38 = 85.`;
      const fromLlama = await llamaLogProbs(model, text);
      expect(fromLlama.tokens.length).toBeGreaterThan(24);
      const fromTorch = await torchLogProbs(model, fromLlama.tokens);
      // the weights are large enough that the distributions are far from uniform (errors would show)
      expect(meanSpread(fromTorch)).toBeGreaterThan(1.5);
      const diff = maxAbsDiff(fromTorch, fromLlama.logProbs);
      console.log(
        `${variant}: max abs diff ${diff.toExponential(2)}, spread ${meanSpread(fromTorch).toFixed(1)}`,
      );
      expect(diff).toBeLessThanOrEqual(1e-3);
      expect(fromTorch.map(argmax)).toEqual(fromLlama.logProbs.map(argmax));
    });
  }
});
