import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenLogprob } from '../core/logprobs.ts';
import { type LocalModel, loadModel } from '../runtime/local-model.ts';
import { tinyModel } from '../runtime/testing/tiny-model.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';

let model: LocalModel;
let server: RunningServer;
let client: OpenAI;
beforeAll(async () => {
  model = await loadModel(await tinyModel('nano'), { slots: 4, contextPerSequence: 256 });
  const registry = new ModelRegistry({ concurrency: 4 });
  registry.add('student', model);
  server = await listen(createServer({ registry, webRoot: false }).app, { port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await model?.dispose();
});

const messages = [{ role: 'user' as const, content: '12+30' }];

describe('logprobs through the openai npm client (real server, real GGUF)', () => {
  it('chat: answer-token logprobs equal score() on the same text', async () => {
    const res = await client.chat.completions.create({
      model: 'student',
      messages,
      max_tokens: 12,
      temperature: 0,
      reasoning_effort: 'none',
      logprobs: true,
      top_logprobs: 3,
    });
    const content = res.choices[0]?.logprobs?.content ?? [];
    expect(content.length).toBeGreaterThan(0);
    expect(Buffer.from(content.flatMap((e) => e.bytes ?? [])).toString('utf8')).toBe(
      res.choices[0]?.message.content,
    );
    const prompt = model.tokenize(model.renderPrompt({ messages, thinking: { enabled: false } }));
    // The response carries bytes, not ids (and byte-fallback tokens share bytes with others): take the ids from
    // the same greedy request through the runtime API, and check that they are the tokens the server reported.
    const direct: TokenLogprob[] = [];
    for await (const _ of model.stream(
      { messages, maxTokens: 12, temperature: 0, thinking: { enabled: false } },
      { logprobs: { topLogprobs: 3, onToken: (t) => direct.push(t) } },
    ));
    expect(direct.map((t) => t.bytes)).toEqual(content.map((e) => e.bytes));
    const generated = direct.map((t) => t.token);
    const [scored = []] = await model.score([[...prompt, ...generated]], { topK: 3 });
    const tail = scored.slice(prompt.length - 1);
    content.forEach((e, i) => {
      expect(e.top_logprobs).toHaveLength(3);
      expect(e.logprob).toBeCloseTo(tail[i]?.logprob as number, 3);
    });
  }, 30_000);

  it('chat: thinking tokens get logprobs too, streaming gives the same entries as non-streaming', async () => {
    const request = {
      model: 'student',
      messages,
      max_tokens: 16,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    } as const;
    const whole = await client.chat.completions.create(request);
    const entries = whole.choices[0]?.logprobs?.content ?? [];
    const message = whole.choices[0]?.message as unknown as { reasoning_content?: string } | undefined;
    const reasoning = message?.reasoning_content;
    expect(reasoning).toBeTruthy();
    const sampled = Buffer.from(entries.flatMap((e) => e.bytes ?? [])).toString('utf8');
    expect(sampled).toContain((reasoning ?? '').trim().slice(0, 4));
    expect(sampled).toContain((whole.choices[0]?.message.content ?? '').trim().slice(0, 2));
    const streamed: typeof entries = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true }))
      streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed.map((e) => [e.token, e.logprob.toFixed(4)])).toEqual(
      entries.map((e) => [e.token, e.logprob.toFixed(4)]),
    );
  }, 30_000);

  it('completions: echo + max_tokens 0 returns the prompt tokens scored like score()', async () => {
    const text = 'User: 12+30\nAssistant: <think>\n';
    const res = await client.completions.create({
      model: 'student',
      prompt: text,
      max_tokens: 0,
      echo: true,
      logprobs: 2,
    });
    const lp = res.choices[0]?.logprobs;
    const ids = model.tokenizePrompt(text);
    expect(res.choices[0]?.text).toBe(text);
    expect(lp?.tokens).toHaveLength(ids.length);
    expect(lp?.token_logprobs?.[0]).toBeNull();
    const [scored = []] = await model.score([ids], { topK: 2 });
    scored.forEach((p, i) => {
      expect(lp?.token_logprobs?.[i + 1]).toBeCloseTo(p.logprob, 5);
      expect(Object.keys(lp?.top_logprobs?.[i + 1] ?? {}).length).toBeGreaterThan(0);
    });
    expect(res.usage?.completion_tokens).toBe(0);
  }, 30_000);

  it('completions: plain text out, streaming and not, the same under greedy decoding', async () => {
    const request = {
      model: 'student',
      prompt: 'User: 7+8\nAssistant:',
      max_tokens: 8,
      temperature: 0,
      logprobs: 1,
    };
    const whole = await client.completions.create(request);
    expect(whole.object).toBe('text_completion');
    expect(whole.choices[0]?.logprobs?.tokens?.length).toBe(whole.usage?.completion_tokens);
    let text = '';
    let finish: string | null = null;
    for await (const chunk of await client.completions.create({ ...request, stream: true })) {
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(whole.choices[0]?.text);
    expect(finish).toBe(whole.choices[0]?.finish_reason);
  }, 30_000);
});
