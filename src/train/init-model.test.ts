import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STUDENT_CHAT_TEMPLATE } from '../core/chat-format.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { initModel } from './init-model.ts';

describe('initModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-init-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a preset GGUF that node-llama-cpp loads, tokenises and generates from', async () => {
    const out = join(dir, 'nano.gguf');
    const res = await initModel({ preset: 'nano', out, seed: 3 });
    expect(res.params).toBeGreaterThan(150_000);
    expect(res.params).toBeLessThan(250_000);

    const llama = await getLlama({ gpu: false });
    const model = await llama.loadModel({ modelPath: out });
    try {
      const meta = model.fileInfo.metadata as unknown as Record<string, Record<string, unknown>>;
      expect(meta.tokenizer?.chat_template).toBe(STUDENT_CHAT_TEMPLATE);
      expect(meta.general?.architecture).toBe('llama');
      expect(model.tokenize('<think>', true)).toHaveLength(1);
      expect(model.tokenize('</think>', true)).toHaveLength(1);
      const text = '<s>User: 12+7?\nAssistant: <think>\n';
      const ids = model.tokenize(text, true);
      expect(ids[0]).toBe(model.tokens.bos);
      expect(model.detokenize(ids, true)).toBe(text);
      const ctx = await model.createContext({ contextSize: 128, threads: 1 });
      const seq = ctx.getSequence();
      const got: number[] = [];
      for await (const t of seq.evaluate(ids, { temperature: 0 })) {
        got.push(t);
        if (got.length >= 5) break;
      }
      expect(got).toHaveLength(5);
      await ctx.dispose();
    } finally {
      await model.dispose();
    }
  });

  it('rejects an unknown preset with an input error naming the presets', async () => {
    const err = await initModel({ preset: 'huge', out: join(dir, 'x.gguf') }).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(err)).toBe(true);
    expect((err as InvalidInputError).hint).toContain('nano');
  });
});
