import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenLogprob } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import { type LocalModel, loadModel } from './local-model.ts';
import { logprobsOf } from './logprobs.ts';
import { tinyModel } from './testing/tiny-model.ts';

let model: LocalModel;
beforeAll(async () => {
  model = await loadModel(await tinyModel('nano'), { slots: 4, contextPerSequence: 256 });
}, 120_000);
afterAll(async () => {
  await model?.dispose();
});

async function drain(parts: AsyncIterable<StreamPart>): Promise<{ text: string; finish: StreamPart }> {
  let text = '';
  let finish: StreamPart | undefined;
  for await (const p of parts) {
    if (p.type === 'text-delta') text += p.delta;
    if (p.type === 'finish') finish = p;
  }
  return { text, finish: finish as StreamPart };
}

describe('logprobsOf', () => {
  it('is a log-softmax with the top-K best first', () => {
    const logits = new Float32Array([1, 3, 2, 0]);
    const { logprob, top } = logprobsOf(logits, 2, 3);
    const z = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0));
    expect(logprob).toBeCloseTo(2 - z, 6);
    expect(top.map((t) => t.token)).toEqual([1, 2, 0]);
    expect(top[0]?.logprob).toBeCloseTo(3 - z, 6);
    expect(logprobsOf(logits, 0, 0).top).toEqual([]);
  });
});

describe('LocalModel.complete and score on a tiny real GGUF', () => {
  it('completes plain text and reports per-token logprobs that score() reproduces', async () => {
    const tokens: TokenLogprob[] = [];
    const { text, finish } = await drain(
      model.complete(
        { prompt: 'User: 1+1\nAssistant:', maxTokens: 12, temperature: 0 },
        { logprobs: { topLogprobs: 3, onToken: (t) => tokens.push(t) } },
      ),
    );
    expect(finish.type === 'finish' && finish.usage.reasoning).toBe(0);
    expect(tokens.length).toBeGreaterThan(0);
    expect(Buffer.from(tokens.flatMap((t) => t.bytes)).toString('utf8')).toBe(text);
    for (const t of tokens) {
      expect(t.top).toHaveLength(3);
      expect(t.top[0]?.token).toBe(t.token); // greedy picks the most likely token
    }
    const prompt = model.tokenizePrompt('User: 1+1\nAssistant:');
    const [scored] = await model.score([[...prompt, ...tokens.map((t) => t.token)]], { topK: 3 });
    const generated = (scored ?? []).slice(prompt.length - 1);
    expect(generated.map((p) => p.token)).toEqual(tokens.map((t) => t.token));
    generated.forEach((p, i) => {
      expect(p.logprob).toBeCloseTo(tokens[i]?.logprob as number, 3);
      expect(p.top.map((x) => x.token)).toEqual(tokens[i]?.top.map((x) => x.token));
    });
  }, 30_000);

  it('scores sequences in one batch exactly as one by one', async () => {
    const a = model.tokenize('Assistant: <think>\nabc');
    const b = model.tokenize('User: 12+30\n');
    const together = await model.score([a, b, [5]], { topK: 2 });
    const alone = [...(await model.score([a], { topK: 2 })), ...(await model.score([b], { topK: 2 }))];
    expect(together[2]).toEqual([]);
    expect(together[0]).toHaveLength(a.length - 1);
    for (const [s, seq] of together.slice(0, 2).entries())
      for (const [i, p] of seq.entries()) {
        const q = alone[s]?.[i];
        expect(p.token).toBe(q?.token);
        expect(p.logprob).toBeCloseTo(q?.logprob as number, 4);
      }
    await expect(model.score([[model.info.vocabSize + 5, 1]])).rejects.toThrow(/outside the vocabulary/);
  }, 30_000);
});
