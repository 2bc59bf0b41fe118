import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStudentTrainingExample } from '../core/chat-format.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { ggufVariant } from '../runtime/testing/gguf-variants.ts';
import { Tokenizer } from '../runtime/tokenizer.ts';
import { trainingTemplate } from '../runtime/training-template.ts';
import { initModel } from './init-model.ts';
import { tokenizeDataset } from './tokenize-dataset.ts';
import type { TrainingRow } from './training-rows.ts';

const TEACHER = new URL('../../models/distill-teacher-q8_0.gguf', import.meta.url).pathname;

const ROWS: TrainingRow[] = [
  {
    prompt: 'What is 17 + 25? Put the final answer in \\boxed{}.',
    reasoning: '17 + 25: 7 + 5 = 12, write 2 carry 1; 1 + 2 + 1 = 4. So 42.',
    answer: 'The answer is \\boxed{42}.',
  },
  { prompt: '  Reverse «héllo» 🙂\n', reasoning: 'o l l é h', answer: '\\boxed{olléh}' },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distill-tokenize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The ids training wrote before it used the runtime: node-llama-cpp's vocab-only model, special tokens parsed. */
async function nodeLlamaCppIds(rows: TrainingRow[], withThinking: boolean) {
  const llama = await getLlama({ gpu: false });
  const model = await llama.loadModel({ modelPath: TEACHER, vocabOnly: true });
  try {
    const bos = model.tokens.bosString ?? '';
    const eos = model.tokens.eosString ?? '';
    return rows.map((row) => {
      const ex = renderStudentTrainingExample(row.prompt, row.reasoning, row.answer, {
        bos,
        eos,
        withThinking,
      });
      return {
        prompt: model.tokenize(ex.prompt, true) as number[],
        completion: model.tokenize(ex.completion, true) as number[],
      };
    });
  } finally {
    await model.dispose();
  }
}

describe('tokenizeDataset (the runtime tokenizer)', () => {
  for (const withThinking of [true, false]) {
    it(`writes the token ids node-llama-cpp gave on the shipped teacher (withThinking=${withThinking})`, async () => {
      const out = join(dir, `ds-${withThinking}`);
      const result = await tokenizeDataset({ model: TEACHER, rows: ROWS, outDir: out, withThinking });
      const expected = await nodeLlamaCppIds(ROWS, withThinking);
      const ids = [...new Int32Array(new Uint8Array(await readFile(join(out, 'tokens.bin'))).buffer)];
      const mask = [...(await readFile(join(out, 'mask.bin')))];
      const offsets = [
        ...new BigInt64Array(new Uint8Array(await readFile(join(out, 'offsets.bin'))).buffer),
      ].map(Number);
      expect(ids).toEqual(expected.flatMap((e) => [...e.prompt, ...e.completion]));
      expect(mask).toEqual(expected.flatMap((e) => [...e.prompt.map(() => 0), ...e.completion.map(() => 1)]));
      expect(offsets).toEqual([0, expected[0]!.prompt.length + expected[0]!.completion.length, ids.length]);
      expect(result).toMatchObject({
        docs: 2,
        tokens: ids.length,
        lossTokens: mask.filter((m) => m === 1).length,
      });
      // BOS and EOS were written as text and parsed back into their single control tokens.
      expect(expected[0]!.prompt.length).toBeGreaterThan(3);
      expect(ids.filter((t) => t === ids[0])).toHaveLength(2);
    });
  }

  it('refuses a file that is not a GGUF with a ModelError and writes nothing', async () => {
    const bad = join(dir, 'bad.gguf');
    await writeFile(bad, 'not a model');
    const out = join(dir, 'bad-out');
    await expect(tokenizeDataset({ model: bad, rows: ROWS, outDir: out })).rejects.toBeInstanceOf(ModelError);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });

  it('renders with a base GGUF’s own Jinja template (Qwen3): the mask covers exactly the assistant turn', {
    timeout: 600_000,
  }, async () => {
    const qwen3 = readFileSync(
      new URL('../runtime/fixtures/templates/qwen3-hybrid.jinja', import.meta.url),
      'utf8',
    );
    const raw = join(dir, 'qwen3-raw.gguf');
    await initModel({ preset: 'nano', out: raw, seed: 3, arch: 'qwen3', chatTemplate: qwen3 });
    // as if it came from elsewhere: no distill.template_id (the runtime would take it for a Distill student)
    const model = ggufVariant(raw, join(dir, 'qwen3.gguf'), qwen3);
    const out = join(dir, 'ds-qwen3');
    const result = await tokenizeDataset({ model, rows: ROWS, outDir: out });
    expect(result).toMatchObject({ templateId: 'gguf', thinkingFormat: 'native', docs: 2 });
    const ids = [...new Int32Array(new Uint8Array(await readFile(join(out, 'tokens.bin'))).buffer)];
    const mask = [...(await readFile(join(out, 'mask.bin')))];
    using tok = Tokenizer.load(model);
    const first = trainingTemplate(tok.info).render(
      ROWS[0]!.prompt,
      ROWS[0]!.reasoning,
      ROWS[0]!.answer,
      true,
    );
    expect(first.prompt).toBe(`<|im_start|>user\n${ROWS[0]!.prompt}<|im_end|>\n<|im_start|>assistant\n`);
    const promptIds = tok.tokenize(first.prompt);
    const offsets = new BigInt64Array(new Uint8Array(await readFile(join(out, 'offsets.bin'))).buffer);
    const n0 = Number(offsets[1]);
    const doc = ids.slice(0, n0);
    const docMask = mask.slice(0, n0);
    expect(docMask.slice(0, promptIds.length).every((m) => m === 0)).toBe(true);
    expect(docMask.slice(promptIds.length).every((m) => m === 1)).toBe(true);
    expect(tok.detokenize(doc.slice(0, promptIds.length))).toBe(first.prompt);
    // the trained turn: native <think> block, the answer, the template's end of turn, then EOS (this tiny
    // vocabulary has no <|im_end|> token, so EOS is added to end the generation)
    expect(tok.detokenize(doc.slice(promptIds.length))).toBe(
      `<think>\n${ROWS[0]!.reasoning}\n</think>\n\n${ROWS[0]!.answer}<|im_end|>${tok.eosText}`,
    );
  });
});
