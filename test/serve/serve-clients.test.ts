import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServe, tinyGguf } from './spawn-serve.ts';
import { type Chunk, joinChunks, parseSse } from './sse.ts';

const KEY = 'test-key-123';
let server: SpawnedServer;
let client: OpenAI;

beforeAll(async () => {
  const gguf = await tinyGguf();
  server = await spawnServe([gguf, '--name', 'student', '--no-web'], { DISTILL_API_KEY: KEY });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  // Clean shutdown on SIGTERM: exit code 0.
  expect(await server?.stop()).toBe(0);
});

const messages = [{ role: 'user' as const, content: 'What is 2+3?' }];

/** Fields this server adds to the openai package's message and delta types. */
type WithReasoning = { reasoning_content?: string | null };

describe('distill serve on a real tiny GGUF', () => {
  it('the openai client gets reasoning and answer separately (non-streaming)', async () => {
    // A random tiny model thinks until max_tokens; a small thinking budget (reasoning_effort) opts in to an
    // answer within it (without one, max_tokens is a hard stop: finish_reason "length", issue 22).
    const res = await client.chat.completions.create({
      model: 'student',
      messages,
      max_tokens: 48,
      temperature: 0,
      reasoning_effort: 'minimal',
    });
    const message = res.choices[0]!.message as (typeof res.choices)[0]['message'] & WithReasoning;
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('student');
    expect(message.reasoning_content?.length).toBeGreaterThan(0);
    expect(message.content?.length).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeLessThanOrEqual(48);
    expect(res.usage?.completion_tokens).toBeGreaterThan(
      res.usage!.completion_tokens_details!.reasoning_tokens!,
    );
    expect(['stop', 'length']).toContain(res.choices[0]!.finish_reason);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['student']);
  });

  it('the openai client streams reasoning_content deltas, then content, then usage — same text as non-streaming', async () => {
    const params = {
      model: 'student',
      messages,
      max_tokens: 48,
      temperature: 0,
      reasoning_effort: 'minimal',
    } as const;
    const whole = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    let reasoning = '';
    let content = '';
    let order = '';
    let finish: string | null = null;
    let reasoningTokens: number | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | (OpenAI.ChatCompletionChunk.Choice.Delta & WithReasoning)
        | undefined;
      if (delta?.reasoning_content) {
        reasoning += delta.reasoning_content;
        order += 'r';
      }
      if (delta?.content) {
        content += delta.content;
        order += 'c';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      reasoningTokens = chunk.usage?.completion_tokens_details?.reasoning_tokens ?? reasoningTokens;
    }
    expect(order).toMatch(/^r+c+$/);
    const message = whole.choices[0]!.message as (typeof whole.choices)[0]['message'] & WithReasoning;
    expect(reasoning).toBe(message.reasoning_content);
    expect(content).toBe(message.content);
    expect(finish).toBe(whole.choices[0]!.finish_reason);
    expect(reasoningTokens).toBe(whole.usage?.completion_tokens_details?.reasoning_tokens);
  });

  it('the Vercel AI SDK (openai-compatible provider) reads the reasoning, streaming and not', async () => {
    const provider = createOpenAICompatible({
      name: 'distill',
      baseURL: `${server.url}/v1`,
      apiKey: KEY,
      includeUsage: true,
    });
    const generated = await generateText({
      model: provider('student'),
      prompt: 'What is 2+3?',
      maxOutputTokens: 48,
      temperature: 0,
      maxRetries: 0,
      providerOptions: { distill: { reasoningEffort: 'minimal' } },
    });
    expect(generated.reasoningText?.length).toBeGreaterThan(0);
    expect(generated.text.length).toBeGreaterThan(0);
    expect(generated.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);

    const streamed = streamText({
      model: provider('student'),
      prompt: 'What is 2+3?',
      maxOutputTokens: 48,
      temperature: 0,
      maxRetries: 0,
      providerOptions: { distill: { reasoningEffort: 'minimal' } },
    });
    let reasoning = '';
    let text = '';
    for await (const part of streamed.fullStream) {
      if (part.type === 'reasoning-delta') reasoning += part.text;
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') throw part.error;
    }
    expect(reasoning).toBe(generated.reasoningText);
    expect(text).toBe(generated.text);
  });

  it('raw SSE over fetch: chunk objects, reasoning before content, a thinking budget, [DONE]', async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'student',
        messages,
        max_tokens: 40,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
        thinking: { type: 'enabled', budget_tokens: 6 },
        reasoning_format: 'reasoning',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    expect(
      chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === res.headers.get('x-request-id')),
    ).toBe(true);
    const choice = joinChunks(events);
    expect(choice.reasoning.length).toBeGreaterThan(0);
    expect(choice.content.length).toBeGreaterThan(0);
    const usage = chunks.at(-1)!.usage!;
    expect(usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens_details.reasoning_tokens).toBeLessThanOrEqual(6);
  });

  it('refuses requests without the key, with OpenAI-shaped 401s', async () => {
    const anonymous = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(anonymous.chat.completions.create({ model: 'student', messages })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('a client that disconnects mid-stream frees its slot', async () => {
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'student', messages, max_tokens: 4000, stream: true },
      { signal: abort.signal },
    );
    let n = 0;
    try {
      for await (const _ of stream) if (++n === 3) abort.abort();
    } catch {
      // the aborted iteration throws
    }
    const deadline = Date.now() + 5000;
    let running = -1;
    while (Date.now() < deadline) {
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        models: { running: number }[];
      };
      running = health.models[0]!.running;
      if (running === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBe(0);
  });

  it('answers a prompt longer than the context with a 400, not a crash', async () => {
    const long = [{ role: 'user' as const, content: 'x'.repeat(5000) }];
    await expect(client.chat.completions.create({ model: 'student', messages: long })).rejects.toMatchObject({
      status: 400,
    });
    const res = await client.chat.completions.create({ model: 'student', messages, max_tokens: 8 });
    expect(res.choices).toHaveLength(1);
  });
});

describe('distill serve argument errors', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [
      join(import.meta.dirname, '../../bin/distill.mjs'),
      'serve',
      ...args,
      '--json',
    ]).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

  it('fails with one JSON error line for a missing model file or a bad option', async () => {
    const missing = await run(['/nonexistent/model.gguf', '--port', '0']);
    expect(missing.code).not.toBe(0);
    expect(JSON.parse(missing.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      error: { message: expect.any(String) },
    });
    const format = await run(['x.gguf', '--reasoning-format', 'xml']);
    expect(format.code).toBe(2);
    expect(JSON.parse(format.stdout)).toMatchObject({ error: { code: 'E_INPUT' } });
  });
});
