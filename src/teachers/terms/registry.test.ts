import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.ts';
import { TERMS } from './registry.ts';
import { resolveTerms } from './resolve-terms.ts';

const texts = join(dirname(fileURLToPath(import.meta.url)), 'texts');

describe('terms registry', () => {
  it('pins the SHA-256 of every shipped text', () => {
    for (const record of Object.values(TERMS)) {
      const text = readFileSync(join(texts, record.textFile));
      expect(sha256(text), record.id).toBe(record.snapshotSha256);
    }
  });

  it('maps teacher families to their policies (REFERENCE.md §3)', () => {
    const policy = (provider: string, modelId: string) => resolveTerms({ provider, modelId }).usePolicy.train;
    expect(resolveTerms({ provider: 'deepseek', modelId: 'deepseek-reasoner' }).id).toBe('deepseek-r1-mit');
    expect(policy('deepseek', 'deepseek-reasoner')).toBe('allowed');
    expect(policy('anthropic', 'claude-sonnet-4-5')).toBe('notAllowed');
    expect(policy('openai', 'o4-mini')).toBe('notAllowed');
    expect(policy('openrouter', 'google/gemini-2.5-pro')).toBe('notAllowed');
    expect(policy('openai-compatible', 'meta-llama/Llama-3.3-70B-Instruct')).toBe('constrained');
    expect(policy('openai-compatible', 'meta-llama/Llama-2-70b-chat-hf')).toBe('notAllowed');
    expect(resolveTerms({ provider: 'ollama', modelId: 'deepseek-r1:8b' }).id).toBe('llama-3.x-community');
    expect(resolveTerms({ provider: 'ollama', modelId: 'deepseek-r1:7b' }).id).toBe('qwen-apache-2.0');
    expect(resolveTerms({ provider: 'openai-compatible', modelId: 'mystery-model' }).id).toBe('unknown');
    expect(
      resolveTerms({ provider: 'openai-compatible', modelId: 'x' }, 'distill-builtin').usePolicy,
    ).toEqual({
      train: 'allowed',
      obligations: expect.any(Array),
      commercialOk: true,
    });
    expect(() => resolveTerms({ provider: 'x', modelId: 'y' }, 'no-such-terms')).toThrow(/Unknown terms/);
  });
});
