import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAssistantWithThinking, renderStudentPrompt } from '../core/chat-format.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
// test-only: the runtime's quantizer (llama.cpp's own) makes the quantized bases
import { quantizeModel } from '../runtime/quantize.ts';
import { checkTrainableBase, readGgufArchitecture } from './gguf-architecture.ts';
import { initModel } from './init-model.ts';
import { argmax, llamaLogProbs, maxAbsDiff, torchLogProbs } from './testing/logit-parity.ts';
import { trainModel } from './train-model.ts';
import type { WorkerEvent } from './worker-events.ts';

/**
 * `--base` takes quantized GGUFs: the worker dequantizes with gguf-py into the very numbers llama.cpp multiplies
 * with, so the PyTorch model of a Q8_0/Q4_0 file matches llama.cpp on that file (loosely: llama.cpp also rounds
 * activations to 8 bits inside quantized matmuls).
 */
describe('quantized bases', () => {
  let dir: string;
  let f32: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'distill-quant-base-'));
    f32 = join(dir, 'f32.gguf');
    await initModel({ preset: 'nano', out: f32, seed: 4, initScale: 4 });
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [type, tol] of [
    ['q8_0', 0.1],
    ['q4_0', 0.1],
  ] as const) {
    it(`${type}: PyTorch on the dequantized weights ≈ llama.cpp on the file`, {
      timeout: 300_000,
    }, async () => {
      const q = join(dir, `${type}.gguf`);
      await quantizeModel(f32, q, { type, threads: 1 });
      const text = `${renderStudentPrompt([{ role: 'user', content: 'What is 12 + 30?' }])}12 + 30 = 42.`;
      const fromLlama = await llamaLogProbs(q, text);
      const fromTorch = await torchLogProbs(q, fromLlama.tokens);
      const diff = maxAbsDiff(fromTorch, fromLlama.logProbs);
      expect(diff).toBeLessThan(tol);
      const same = fromTorch.filter((r, i) => argmax(r) === argmax(fromLlama.logProbs[i] ?? [])).length;
      expect(same / fromTorch.length).toBeGreaterThanOrEqual(0.9);
      // …and the quantization really changed the model: the F32 file's logits differ by more
      const f32Torch = await torchLogProbs(f32, fromLlama.tokens);
      expect(maxAbsDiff(f32Torch, fromTorch)).toBeGreaterThan(type === 'q8_0' ? 1e-4 : 1e-3);
    });
  }

  it('trains from a Q4_0 base and says what dequantizing took', { timeout: 300_000 }, async () => {
    const q = join(dir, 'q4_0.gguf');
    if (!existsSync(q)) await quantizeModel(f32, q, { type: 'q4_0', threads: 1 });
    const data = join(dir, 'data.jsonl');
    const row = (a: number, b: number): string =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What is ${a} + ${b}?` },
          { role: 'assistant', content: formatAssistantWithThinking(`${a} + ${b} = ${a + b}.`, `${a + b}`) },
        ],
      });
    await writeFile(data, `${Array.from({ length: 12 }, (_, i) => row(i + 10, 2 * i + 3)).join('\n')}\n`);
    const events: WorkerEvent[] = [];
    const out = join(dir, 'student.gguf');
    const res = await trainModel(
      { data, base: q, out, maxSteps: 2, seqLen: 64, batchTokens: 256, threads: 1, evalFraction: 0 },
      { onEvent: (e) => events.push(e) },
    );
    expect(res.steps).toBe(2);
    const loaded = events.find((e) => e.type === 'loaded');
    expect(loaded?.quantized).toBe(true);
    expect(Object.keys((loaded?.types ?? {}) as object)).toContain('Q4_0');
    expect(Number(loaded?.dequantizedBytes)).toBeGreaterThan(Number(loaded?.fileBytes));
    expect(readGgufArchitecture(out)).toBe('llama');
  });

  it('refuses an architecture the worker cannot train before any work', async () => {
    const bad = join(dir, 'phi.gguf');
    const header = Buffer.alloc(24 + 8 + 20 + 4 + 8 + 4);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(0n, 8);
    header.writeBigUInt64LE(1n, 16);
    header.writeBigUInt64LE(20n, 24);
    header.write('general.architecture', 32, 'utf8');
    header.writeUInt32LE(8, 52);
    header.writeBigUInt64LE(4n, 56);
    await writeFile(bad, Buffer.concat([header.subarray(0, 64), Buffer.from('phi3')]));
    expect(readGgufArchitecture(bad)).toBe('phi3');
    expect(() => checkTrainableBase(bad)).toThrow(InvalidInputError);
    const out = join(dir, 'never.gguf');
    await expect(trainModel({ data: join(dir, 'none.jsonl'), base: bad, out })).rejects.toThrow(
      /cannot train a 'phi3' model/,
    );
    expect(existsSync(`${out.replace(/\.gguf$/, '')}.run`)).toBe(false);
    expect(readGgufArchitecture(f32)).toBe('llama');
  });
});
