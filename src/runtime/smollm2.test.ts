import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenLogprob } from '../core/logprobs.ts';
import { type LocalModel, loadModel } from './local-model.ts';
import { describeModel } from './model-info.ts';
import { smolLM2 } from './testing/smollm2.ts';

// A real GGUF from outside the project (98 MB, fetched once): DISTILL_SLOW=1.
describe.runIf(process.env.DISTILL_SLOW === '1')(
  'SmolLM2-135M-Instruct (real model, own Jinja template)',
  () => {
    let path: string;
    let model: LocalModel;
    beforeAll(async () => {
      path = smolLM2();
      model = await loadModel(path, { slots: 2, contextPerSequence: 512 });
    }, 300_000);
    afterAll(async () => {
      await model?.dispose();
    });

    it('renders its own template (default system prompt included) and answers with it', async () => {
      expect(describeModel(path).templateDescription).toMatch(/GGUF's chat template \(Jinja\)/);
      expect(model.renderPrompt({ messages: [{ role: 'user', content: 'hi' }] })).toBe(
        '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
          '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
      );
      const trace = await model.generate({
        messages: [{ role: 'user', content: 'What is the capital of France?' }],
        maxTokens: 24,
        temperature: 0,
      });
      expect(trace.answer.length).toBeGreaterThan(0);
      expect(trace.answer).not.toContain('<|im_end|>');
    }, 120_000);

    it('completes raw text like a base model, with logprobs that score() reproduces', async () => {
      const tokens: TokenLogprob[] = [];
      let text = '';
      for await (const p of model.complete(
        { prompt: 'The capital of France is', maxTokens: 6, temperature: 0 },
        { logprobs: { topLogprobs: 5, onToken: (t) => tokens.push(t) } },
      ))
        if (p.type === 'text-delta') text += p.delta;
      expect(text).toMatch(/Paris/);
      const prompt = model.tokenizePrompt('The capital of France is');
      const [scored = []] = await model.score([[...prompt, ...tokens.map((t) => t.token)]], { topK: 5 });
      scored.slice(prompt.length - 1).forEach((p, i) => {
        expect(p.logprob).toBeCloseTo(tokens[i]?.logprob as number, 2);
      });
    }, 120_000);
  },
);
