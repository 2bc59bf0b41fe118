import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STUDENT_TEMPLATE_ID } from '../core/chat-format.ts';
import type { ChatRequest } from '../core/chat-model.ts';
import { DistillError } from '../core/errors/distill-error.ts';
import { type StreamPart, StreamPartSchema } from '../core/stream-part.ts';
import { type LocalModel, loadModel } from './local-model.ts';
import { tinyModel } from './testing/tiny-model.ts';

let path: string;
let model: LocalModel;
let dir: string;
beforeAll(async () => {
  path = await tinyModel('nano');
  model = await loadModel(path, { slots: 8, contextPerSequence: 512 });
  dir = mkdtempSync(join(tmpdir(), 'distill-runtime-'));
}, 120_000);
afterAll(async () => {
  await model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  temperature: 0,
  ...extra,
});

async function parts(iterable: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of iterable) out.push(StreamPartSchema.parse(p));
  return out;
}

describe('loadModel on a tiny real GGUF', () => {
  it('runs a batch submitted the moment the previous one settles (the decode loop restarts)', async () => {
    // Regression: the loop's "running" flag was cleared in a `.finally` microtask, after the caller had already
    // submitted its next batch, so that batch never started and its promise never settled (eval exit 13).
    for (let round = 0; round < 6; round++) {
      const traces = await model.generateBatch([
        ask('a', { maxTokens: 1 + (round % 3) }),
        ask('b', { maxTokens: 2 }),
      ]);
      expect(traces.map((t) => t.finishReason).every((r) => r === 'length' || r === 'stop')).toBe(true);
    }
  }, 20_000);

  it('reports info and tokenizes like llama.cpp (<think> is one token)', () => {
    expect(model.info.architecture).toBe('llama');
    expect(model.template.id).toBe(STUDENT_TEMPLATE_ID);
    expect(model.info.params).toBeGreaterThan(100_000);
    expect(model.tokenize('<think>')).toHaveLength(1);
    const text = 'User: 12+30=? ünïcode';
    expect(model.detokenize(model.tokenize(text))).toBe(text);
  });

  it('streams well-formed parts with exact usage, and finishes at maxTokens', async () => {
    const got = await parts(model.stream(ask('What is 2+3?', { maxTokens: 40 })));
    const finish = got.at(-1);
    expect(finish?.type).toBe('finish');
    if (finish?.type !== 'finish') return;
    expect(got.filter((p) => p.type === 'finish')).toHaveLength(1);
    expect(finish.usage.input).toBe(model.tokenize(model.renderPrompt(ask('What is 2+3?'))).length);
    expect(finish.usage.reasoning + finish.usage.output).toBeLessThanOrEqual(40);
    if (finish.finishReason === 'length') expect(finish.usage.reasoning + finish.usage.output).toBe(40);
    expect(finish.timing?.tokensPerSecond).toBeGreaterThan(0);
    // every delta belongs to an open block
    const open = new Set<string>();
    for (const p of got) {
      if (p.type === 'reasoning-start' || p.type === 'text-start') open.add(p.id);
      if (p.type === 'reasoning-delta' || p.type === 'text-delta') expect(open.has(p.id)).toBe(true);
      if (p.type === 'reasoning-end' || p.type === 'text-end') open.delete(p.id);
    }
    expect(open.size).toBe(0);
  });

  it('is reproducible with a seed, and batching gives every request its own complete trace', async () => {
    const req = ask('hello', { temperature: 0.6, seed: 7, maxTokens: 30 });
    const a = await model.generate(req);
    const b = await model.generate(req);
    expect(b.reasoning + b.answer).toBe(a.reasoning + a.answer);
    const traces = await model.generateBatch(
      Array.from({ length: 12 }, (_, i) =>
        ask(`q${i}`, { temperature: 0.6, seed: i, maxTokens: 30, thinking: { budgetTokens: 10 } }),
      ),
    );
    expect(traces).toHaveLength(12);
    for (const t of traces) {
      expect(t.usage.reasoning).toBeLessThanOrEqual(10);
      expect(t.answer.trim()).not.toBe('');
      expect(t.usage.reasoning + t.usage.output).toBeLessThanOrEqual(30);
    }
  });

  it('gives a seeded sample the same text alone, in a batch, and whatever its neighbours (issue 16)', async () => {
    // The demo's run-to-run reproducibility rests on this: under concurrent generation the decode batches hold
    // different neighbours (and prompt chunks of other requests) from run to run. A random model samples from flat
    // distributions, where a rounding difference in the logits would change the text soonest.
    const reqs = Array.from({ length: 12 }, (_, i) =>
      ask(`What is ${i} + ${2 * i}? Think it through.`, { temperature: 0.8, seed: 100 + i, maxTokens: 40 }),
    );
    const text = (t: { reasoning: string; answer: string }): string => `${t.reasoning}|${t.answer}`;
    const batched = (await model.generateBatch(reqs)).map(text);
    const reversed = (await model.generateBatch([...reqs].reverse())).map(text).reverse();
    const interleaved = await Promise.all(reqs.map((r, i) => (i % 3 === 0 ? model.generate(r) : undefined)));
    expect(reversed).toEqual(batched);
    for (const [i, t] of interleaved.entries()) if (t) expect(text(t)).toBe(batched[i]);
    for (const i of [0, 5, 11]) expect(text(await model.generate(reqs[i] as ChatRequest))).toBe(batched[i]);
    expect(new Set(batched).size).toBeGreaterThan(6); // the seeds really differ: not one text repeated
  });

  it('keeps the answer non-empty when a budget cuts thinking on a random model', async () => {
    const t = await model.generate(ask('think forever', { maxTokens: 120, thinking: { budgetTokens: 60 } }));
    expect(t.usage.reasoning).toBeLessThanOrEqual(60);
    expect(t.answer.trim()).not.toBe('');
    expect(t.truncatedInThinking).toBe(false);
  });

  it('never forces an answer unless asked: maxTokens alone is a hard stop, and the trace says so (issue 22)', async () => {
    const traces = await model.generateBatch(
      Array.from({ length: 4 }, (_, i) => ask(`q${i}`, { temperature: 0.6, seed: i, maxTokens: 12 })),
    );
    for (const t of traces) {
      expect(['budget', 'answer-now', 'max-tokens-reserve']).not.toContain(t.thinkingEnd);
      if (t.finishReason === 'length' && t.thinkingEnd === 'cut')
        expect(t).toMatchObject({ answer: '', truncatedInThinking: true });
    }
    // A random model rambles: at least one of them is cut inside its thinking rather than forced to answer.
    expect(traces.some((t) => t.thinkingEnd === 'cut')).toBe(true);
    const forced = await model.generate(
      ask('q0', { temperature: 0.6, seed: 0, maxTokens: 12, thinking: { reserveAnswer: true } }),
    );
    expect(['max-tokens-reserve', 'natural']).toContain(forced.thinkingEnd);
    expect(forced.answer).not.toBe('');
  });

  it('answerNow via control ends thinking; abort ends with finishReason abort', async () => {
    let control: { answerNow(): void } | undefined;
    const seen: StreamPart[] = [];
    for await (const p of model.stream(ask('x', { maxTokens: 200 }), { control: (c) => (control = c) })) {
      seen.push(p);
      if (p.type === 'reasoning-delta' && seen.filter((s) => s.type === 'reasoning-delta').length === 3)
        control?.answerNow();
    }
    const finish = seen.at(-1);
    expect(seen.some((p) => p.type === 'text-delta')).toBe(true);
    expect(finish?.type === 'finish' && finish.finishReason).not.toBe('abort');

    const ac = new AbortController();
    let n = 0;
    const got: StreamPart[] = [];
    for await (const p of model.stream(ask('y', { maxTokens: 400 }), { signal: ac.signal })) {
      got.push(p);
      if (p.type.endsWith('delta') && ++n === 5) ac.abort();
    }
    const end = got.at(-1);
    expect(end?.type === 'finish' && end.finishReason).toBe('abort');
    expect(end?.type === 'finish' && end.usage.reasoning + end.usage.output).toBeLessThan(400);
  });

  it('switches thinking off and strips earlier thinking from history by default', async () => {
    const off = await model.generate(ask('hi', { maxTokens: 20, thinking: { enabled: false } }));
    expect(off.reasoning).toBe('');
    expect(off.usage.reasoning).toBe(0);
    const history: ChatRequest = {
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'ANSWER', reasoning: 'SECRET THOUGHTS' },
        { role: 'user', content: 'b' },
      ],
    };
    expect(model.renderPrompt(history)).not.toContain('SECRET');
    expect(model.renderPrompt(history)).toContain('ANSWER');
    expect(model.renderPrompt(history, { keepHistoryThinking: true })).toContain(
      '<think>\nSECRET THOUGHTS\n</think>',
    );
    expect(
      model.renderPrompt({ ...history, thinking: { enabled: false } }).endsWith('<think>\n\n</think>\n\n'),
    ).toBe(true);
  });

  it('rejects missing, non-GGUF and truncated files with a DistillError (no crash)', async () => {
    const junk = join(dir, 'junk.gguf');
    writeFileSync(junk, 'this is not a model at all, just text');
    const truncated = join(dir, 'truncated.gguf');
    writeFileSync(truncated, readFileSync(path).subarray(0, 4096));
    for (const [file, code] of [
      [join(dir, 'missing.gguf'), 'E_NOT_FOUND'],
      [junk, 'E_MODEL'],
      [truncated, 'E_MODEL'],
    ] as const) {
      const error = await loadModel(file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(DistillError.isInstance(error), String(error)).toBe(true);
      expect((error as DistillError).code).toBe(code);
    }
  });

  it('loads several models within a memory budget and refuses past it; dispose is clean', async () => {
    const second = await loadModel(path, { slots: 1, contextPerSequence: 256, memoryBudgetBytes: 1e9 });
    const error = await loadModel(path, { slots: 1, contextPerSequence: 256, memoryBudgetBytes: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as DistillError).code).toBe('E_MODEL');
    const running = second.generate(ask('z', { maxTokens: 500 }));
    await second.dispose();
    expect((await running).finishReason).toBe('abort');
    expect(() => second.stream(ask('again'))).toThrow(/disposed/);
    await second.dispose();
  });
});
