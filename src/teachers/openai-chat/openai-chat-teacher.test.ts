import { beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { Trace } from '../../core/trace.ts';
import { foldTrace } from '../../core/trace-fold.ts';
import { createTeacher } from '../create-teacher.ts';
import { fixture, recordedChunks, sseReply } from '../testing/replay-server.ts';
import { useReplayServer } from '../testing/use-replay-server.ts';

const server = useReplayServer();

const env = {
  DEEPSEEK_API_KEY: 'sk-test-deepseek',
  AZURE_API_KEY: 'az-test',
  OPENROUTER_API_KEY: 'or-test',
  DISTILL_KEYS_FILE: '/nonexistent',
};
const ask = {
  messages: [{ role: 'user' as const, content: 'What is 17 * 3?' }],
  maxTokens: 256,
  temperature: 0.6,
  seed: 7,
};

let transport: 'openai' | 'undici' = 'openai';

async function teacherFor(uri: string, stream = true) {
  const withBase =
    uri.startsWith('openai-compatible:') || uri.startsWith('azure:') ? uri : `${uri}?base=${server.url}/v1`;
  return createTeacher(withBase.replace('URL', server.url), { env, stream, transport });
}

describe.each(['openai', 'undici'] as const)(
  'OpenAI-chat dialects against recorded streams (%s transport)',
  (t) => {
    beforeAll(() => {
      transport = t;
    });

    it('DeepSeek streaming: reasoning_content then content, usage with reasoning tokens', async () => {
      server.next = sseReply('deepseek-reasoner.chunks.txt');
      const teacher = await teacherFor('deepseek:deepseek-reasoner');
      const trace = await teacher.generate(ask);
      expect(trace).toMatchObject({
        reasoning: 'Okay, 17 times 3 is 51.',
        answer: 'The answer is \\boxed{51}.',
        finishReason: 'stop',
        truncatedInThinking: false,
        usage: { input: 14, reasoning: 12, output: 10 },
      });
      expect(trace.raw?.reasoningField).toBe('reasoning_content');
      expect(trace.timing.totalMs).toBeGreaterThan(0);
      const sent = server.requests.at(-1)!;
      expect(sent.url).toBe('/v1/chat/completions');
      expect(sent.headers.authorization).toBe('Bearer sk-test-deepseek');
      expect(sent.body).toMatchObject({ model: 'deepseek-reasoner', stream: true, max_tokens: 256, seed: 7 });
    });

    it('DeepSeek non-streaming gives the same trace', async () => {
      server.next = { body: fixture('deepseek-reasoner.json') };
      const trace = await (await teacherFor('deepseek:deepseek-reasoner', false)).generate(ask);
      expect(trace).toMatchObject({
        reasoning: 'Okay, 17 times 3 is 51.',
        answer: 'The answer is \\boxed{51}.',
        usage: { reasoning: 12, output: 10 },
      });
      expect(server.requests.at(-1)!.body).toMatchObject({ stream: false });
    });

    it('finish_reason=length inside thinking leaves the answer empty and marks the trace', async () => {
      server.next = sseReply('deepseek-length-in-thinking.chunks.txt');
      const trace = await (await teacherFor('deepseek:deepseek-reasoner')).generate(ask);
      expect(trace).toMatchObject({ answer: '', finishReason: 'length', truncatedInThinking: true });
      expect(trace.reasoning).toContain('Case 1: n = 0 gives');
    });

    it('a stream that stops without finish_reason is a truncated failure', async () => {
      server.next = sseReply('deepseek-truncated.chunks.txt');
      const error = await (await teacherFor('deepseek:deepseek-reasoner')).generate(ask).catch((e) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.kind).toBe('truncated');
    });

    it('vLLM `reasoning` field, usage split by characters when reasoning tokens are not reported', async () => {
      server.next = sseReply('vllm-reasoning.chunks.txt');
      const teacher = await teacherFor('openai-compatible:URL/v1#deepseek-ai/DeepSeek-R1-Distill-Qwen-7B');
      const trace = await teacher.generate(ask);
      expect(trace).toMatchObject({ reasoning: '2 + 2 = 4', answer: '\\boxed{4}', finishReason: 'stop' });
      expect(trace.usage.reasoning + trace.usage.output).toBe(20);
      expect(trace.usage.reasoning).toBeGreaterThan(0);
      expect(trace.raw?.reasoningField).toBe('reasoning');
      server.next = { body: fixture('vllm-reasoning.json') };
      const whole = await (await teacherFor('openai-compatible:URL/v1#m', false)).generate(ask);
      expect(whole).toMatchObject({ reasoning: '2 + 2 = 4', answer: '\\boxed{4}' });
    });

    it('llama-server reasoning_content', async () => {
      server.next = sseReply('llama-server.chunks.txt');
      const trace = await (await teacherFor('openai-compatible:URL/v1#distill-teacher')).generate(ask);
      expect(trace).toMatchObject({ reasoning: '3 * 4 = 12', answer: '\\boxed{12}', usage: { input: 10 } });
    });

    it('raw R1 without an opening tag and a closing tag split across chunks', async () => {
      server.next = sseReply('raw-r1-missing-open-tag.chunks.txt');
      const trace = await (await teacherFor('openai-compatible:URL/v1#r1')).generate(ask);
      expect(trace).toMatchObject({ reasoning: 'First, 6 * 7 = 42.', answer: '\\boxed{42}' });
      expect(trace.raw?.inlineThink).toMatchObject({ missingOpenTag: true });
    });

    it('Azure preview API: inline <think> split across chunks, empty choices chunk first (streaming and not)', async () => {
      server.next = sseReply('azure-preview-inline.chunks.txt');
      const teacher = await teacherFor('azure:URL/models?api-version=2024-05-01-preview#DeepSeek-R1');
      const trace = await teacher.generate(ask);
      expect(trace).toMatchObject({ reasoning: 'Add 5 and 8: 13.', answer: 'The sum is \\boxed{13}.' });
      const sent = server.requests.at(-1)!;
      expect(sent.url).toBe('/models/chat/completions?api-version=2024-05-01-preview');
      expect(sent.headers['api-key']).toBe('az-test');
      expect(sent.body).toMatchObject({ model: 'DeepSeek-R1' });
      server.next = { body: fixture('azure-preview-inline.json') };
      const whole = await (await teacherFor('azure:URL/models#DeepSeek-R1', false)).generate(ask);
      expect(whole).toMatchObject({ reasoning: 'Add 5 and 8: 13.', answer: 'The sum is \\boxed{13}.' });
    });

    it('Azure content filter 400 is a permanent content-filter failure', async () => {
      server.next = { status: 400, body: fixture('azure-content-filter.json') };
      const error = await (await teacherFor('azure:URL/models#DeepSeek-R1')).generate(ask).catch((e) => e);
      expect(error).toMatchObject({ kind: 'content-filter', retryable: false, status: 400 });
    });

    it('empty thinking, a cut closing tag, and a stray closing tag', async () => {
      const teacher = await teacherFor('openai-compatible:URL/v1#m');
      server.next = sseReply('inline-empty-thinking.chunks.txt');
      expect(await teacher.generate(ask)).toMatchObject({ reasoning: '', answer: 'Paris.' });
      server.next = sseReply('inline-cut-mid-tag.chunks.txt');
      const cut = await teacher.generate(ask);
      expect(cut).toMatchObject({
        reasoning: 'We need the remainder of 100 by 7, which is 2.',
        answer: '',
        finishReason: 'length',
        truncatedInThinking: true,
      });
      expect(cut.raw?.inlineThink).toMatchObject({ cutMidTag: true });
      server.next = sseReply('inline-stray-close.chunks.txt');
      const stray = await teacher.generate(ask);
      expect(stray).toMatchObject({ reasoning: '9 - 4 = 5', answer: 'The answer is 5. \\boxed{5}' });
      expect(stray.raw?.inlineThink).toMatchObject({ strayCloseTags: 1 });
    });

    it('OpenRouter: reasoning + reasoning_details, SSE comments, usage after finish (streaming and not)', async () => {
      server.next = sseReply('openrouter-r1.chunks.txt');
      const teacher = await teacherFor('openrouter:deepseek/deepseek-r1');
      const trace = await teacher.generate(ask);
      expect(trace).toMatchObject({
        reasoning: '10 / 2 = 5',
        answer: '\\boxed{5}',
        usage: { input: 13, reasoning: 7, output: 5 },
      });
      expect(trace.raw?.reasoningDetails).toEqual([
        { type: 'reasoning.text', text: '10 / 2 = 5', format: 'unknown', index: 0 },
      ]);
      expect(server.requests.at(-1)!.body).toMatchObject({ reasoning: { enabled: true } });
      server.next = { body: fixture('openrouter-r1.json') };
      const whole = await (await teacherFor('openrouter:anthropic/claude-sonnet-4.5', false)).generate(ask);
      expect(whole).toMatchObject({ reasoning: '10 / 2 = 5', answer: '\\boxed{5}' });
      expect(whole.raw?.reasoningDetails).toHaveLength(2);
      expect(JSON.stringify(whole.raw)).toContain('ErUBCkYIBRgCIkD0sig');
    });

    it('maps HTTP errors: 429 with Retry-After, 500, invalid JSON, 401', async () => {
      const teacher = await teacherFor('deepseek:deepseek-reasoner');
      server.next = {
        status: 429,
        headers: { 'retry-after': '2' },
        body: '{"error":{"message":"Rate limit reached"}}',
      };
      expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({
        kind: 'rate-limit',
        retryAfterMs: 2000,
      });
      server.next = { status: 500, body: '{"error":{"message":"boom"}}' };
      expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'server', retryable: true });
      server.next = { chunks: ['data: {"choices":[{"delta":{"content":"x"\n\n'] };
      expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'malformed' });
      server.next = { status: 401, body: '{"error":{"message":"Authentication Fails"}}' };
      expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'auth', retryable: false });
    });

    it('gives the same trace however the bytes arrive (one write, CRLF, tiny pieces), by generate and by stream', async () => {
      const strip = (t: Trace) => ({ ...t, timing: undefined });
      for (const name of ['deepseek-reasoner.chunks.txt', 'openrouter-r1.chunks.txt']) {
        const uri = name.startsWith('openrouter')
          ? 'openrouter:deepseek/deepseek-r1'
          : 'deepseek:deepseek-reasoner';
        const teacher = await teacherFor(uri);
        const recorded = recordedChunks(name);
        server.next = { chunks: recorded };
        const expected = strip(await teacher.generate(ask));
        const whole = recorded.join('');
        const pieces = whole.match(/[\s\S]{1,7}/g) ?? [];
        for (const chunks of [[whole], [whole.replace(/\n/g, '\r\n')], pieces]) {
          server.next = { chunks };
          expect(strip(await teacher.generate(ask))).toEqual(expected);
          server.next = { chunks };
          const folded = await foldTrace(teacher.stream(ask));
          expect({ ...strip(folded), raw: expected.raw }).toEqual(expected);
        }
      }
    });

    it('a stream error after some chunks fails the reply, even when both arrive in one read', async () => {
      const teacher = await teacherFor('deepseek:deepseek-reasoner');
      const first = recordedChunks('deepseek-reasoner.chunks.txt').slice(0, 3).join('');
      server.next = { chunks: [`${first}data: {"error":{"message":"overloaded"}}\n\n`] };
      expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'server' });
      server.next = { chunks: [`${first}data: {"error":{"message":"overloaded"}}\n\n`] };
      const types: string[] = [];
      const error = await (async () => {
        for await (const part of teacher.stream(ask)) types.push(part.type);
      })().catch((e) => e);
      expect(error).toMatchObject({ kind: 'server' });
      expect(types[0]).toBe('reasoning-start');
    });

    it('timeoutMs fails a hung request and a stalled stream with `timeout`; the caller signal still aborts', async () => {
      const teacher = await teacherFor('deepseek:deepseek-reasoner');
      server.next = { hang: true };
      const started = performance.now();
      const hung = await teacher.generate(ask, { timeoutMs: 150 }).catch((e) => e);
      expect(hung).toBeInstanceOf(ProviderError);
      expect(hung).toMatchObject({ kind: 'timeout' });
      expect(performance.now() - started).toBeLessThan(5000);
      // Headers and a first chunk, then pauses far longer than the limit.
      server.next = {
        chunks: recordedChunks('deepseek-reasoner.chunks.txt').slice(0, 2),
        chunkDelayMs: 2000,
      };
      expect(await teacher.generate(ask, { timeoutMs: 150 }).catch((e) => e)).toMatchObject({
        kind: 'timeout',
      });
      server.next = { hang: true };
      const controller = new AbortController();
      const aborted = teacher.generate(ask, { timeoutMs: 60_000, signal: controller.signal }).catch((e) => e);
      setTimeout(() => controller.abort(), 50);
      expect(await aborted).toMatchObject({ kind: 'aborted' });
      // A reply within the limit is unaffected.
      server.next = sseReply('deepseek-reasoner.chunks.txt');
      expect((await teacher.generate(ask, { timeoutMs: 10_000 })).answer).toBe('The answer is \\boxed{51}.');
    });

    it('streams StreamParts through the ChatModel port', async () => {
      server.next = sseReply('deepseek-reasoner.chunks.txt');
      const teacher = await teacherFor('deepseek:deepseek-reasoner');
      const types: string[] = [];
      for await (const part of teacher.stream(ask)) types.push(part.type);
      expect(types[0]).toBe('reasoning-start');
      expect(types.at(-1)).toBe('finish');
      expect(types.indexOf('reasoning-end')).toBeLessThan(types.indexOf('text-start'));
    });
  },
);
