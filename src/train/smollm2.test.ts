import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTemplate } from '../runtime/templates.ts';
import { Tokenizer } from '../runtime/tokenizer.ts';
import { writeAdditionRows } from './testing/addition-rows.ts';
import { llamaGreedy, torchArgmax } from './testing/logit-parity.ts';
import { ensureSmolLM2 } from './testing/smollm2.ts';
import { tokenizeDataset } from './tokenize-dataset.ts';
import { trainModel } from './train-model.ts';
import { runWorker } from './worker.ts';
import type { WorkerEvent } from './worker-events.ts';

/**
 * The real student (slow suite): SmolLM2-135M-Instruct Q4_1, fetched once per machine into the model cache.
 * Greedy parity is checked teacher-forced: PyTorch's argmax after every prefix of llama.cpp's greedy continuation
 * must be llama.cpp's next token — then PyTorch's own greedy decoding produces the same continuation.
 */
describe.runIf(process.env.DISTILL_SLOW === '1')('SmolLM2-135M-Instruct (Q4_1) as a student', () => {
  let dir: string;
  let base: string;
  let data: string;
  beforeAll(async () => {
    base = await ensureSmolLM2();
    dir = await mkdtemp(join(tmpdir(), 'distill-smollm2-'));
    data = join(dir, 'add.jsonl');
    await writeAdditionRows(data, 24);
  }, 900_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tokenises training rows with SmolLM2’s own template (vocab-only load of the Q4_1 file)', async () => {
    const out = join(dir, 'tokens');
    const rows = [
      { prompt: 'What is 12 + 30?', reasoning: '2 + 0 = 2. 1 + 3 = 4. So 42.', answer: '\\boxed{42}' },
    ];
    const res = await tokenizeDataset({ model: base, rows, outDir: out });
    expect(res).toMatchObject({ docs: 1, templateId: 'gguf', thinkingFormat: 'text' });
    const ids = [...new Int32Array(new Uint8Array(await readFile(join(out, 'tokens.bin'))).buffer)];
    const mask = [...(await readFile(join(out, 'mask.bin')))];
    using tok = Tokenizer.load(base);
    const start = mask.indexOf(1);
    expect(tok.detokenize(ids.slice(0, start))).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nWhat is 12 + 30?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(mask.slice(start).every((m) => m === 1)).toBe(true);
    // the assistant turn ends with <|im_end|>, SmolLM2's end-of-generation token, and nothing is added after it
    expect(tok.detokenize(ids.slice(start))).toBe(
      '<think>\n2 + 0 = 2. 1 + 3 = 4. So 42.\n</think>\n\n\\boxed{42}<|im_end|>',
    );
    expect(tok.isEndOfGeneration(ids[ids.length - 1] as number)).toBe(true);
  });

  it('dequantized: the same greedy continuation in PyTorch and llama.cpp', { timeout: 900_000 }, async () => {
    const f32 = join(dir, 'smollm2-f32.gguf');
    await runWorker(['convert', '--model', base, '--out', f32]);
    const prompts = [
      '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n',
      '<|im_start|>user\nWhat is 12 + 30?<|im_end|>\n<|im_start|>assistant\n',
      'The three primary colors are',
    ];
    for (const prompt of prompts) {
      const { prompt: toks, generated } = await llamaGreedy(f32, prompt, 12);
      expect(generated.length).toBe(12);
      const all = [...toks, ...generated];
      const argmax = await torchArgmax(f32, all.slice(0, -1));
      expect(argmax.slice(toks.length - 1)).toEqual(generated);
    }
  });

  for (const mode of ['full', 'lora'] as const) {
    it(`trains from the Q4_1 base (${mode})`, { timeout: 900_000 }, async () => {
      const events: WorkerEvent[] = [];
      const out = join(dir, `${mode}.gguf`);
      const res = await trainModel(
        {
          data,
          base,
          out,
          maxSteps: 3,
          seqLen: 128,
          batchTokens: 256,
          evalFraction: 0,
          threads: 2,
          ...(mode === 'lora' ? { loraRank: 8, lr: 1e-3 } : { lr: 1e-4 }),
        },
        { onEvent: (e) => events.push(e) },
      );
      expect(res.steps).toBe(3);
      const loaded = events.find((e) => e.type === 'loaded');
      expect(loaded?.types).toMatchObject({ Q4_1: expect.any(Number), Q8_0: 1 });
      const mem = events.find((e) => e.type === 'memory');
      const trainable = Number(mem?.trainable);
      if (mode === 'lora') expect(trainable).toBeLessThan(Number(mem?.params) / 20);
      else expect(trainable).toBe(Number(mem?.params));
      const steps = events.filter((e) => e.type === 'step').map((e) => Number(e.loss));
      expect(steps.every(Number.isFinite)).toBe(true);
      // the output keeps SmolLM2's template and says its thinking is <think> text; the runtime opens it
      using tok = Tokenizer.load(out);
      expect(tok.info.metadata['distill.thinking_format']).toBe('text');
      expect(tok.info.chatTemplate).toContain('named SmolLM');
      expect(selectTemplate(tok.info).thinkingStart).toBe('model-opened');
    });
  }
});
