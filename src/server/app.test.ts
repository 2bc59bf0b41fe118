import { describe, expect, it } from 'vitest';
import { type Chunk, joinChunks, parseSse } from '../../test/serve/sse.ts';
import { createServer, type ServerOptions } from './app.ts';
import { ModelRegistry } from './model-registry.ts';
import { ScriptedChatModel } from './scripted-chat-model.ts';

function setup(options: Partial<ServerOptions> = {}, model = new ScriptedChatModel()) {
  const registry = new ModelRegistry({ concurrency: 2 });
  registry.add('student', model);
  registry.add('teacher', new ScriptedChatModel({ id: 'teacher', thinkingTokens: 3 }));
  const { app } = createServer({ registry, webRoot: false, ...options });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { app, model, post };
}

const ask = { model: 'student', messages: [{ role: 'user', content: 'what is 2+2' }] };

describe('GET /v1/models and /health', () => {
  it('lists every served model by name', async () => {
    const { app } = setup();
    const res = await app.request('/v1/models');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['student', 'teacher']);
    expect((await app.request('/v1/models/teacher')).status).toBe(200);
    expect((await app.request('/v1/models/nope')).status).toBe(404);
    const health = (await (await app.request('/health')).json()) as { status: string; models: unknown[] };
    expect(health.status).toBe('ok');
    expect(health.models).toHaveLength(2);
  });
});

describe('POST /v1/chat/completions (non-streaming)', () => {
  it('returns reasoning and answer separately with reasoning token usage', async () => {
    const { post } = setup();
    const res = await post(ask);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      id: string;
      object: string;
      model: string;
      choices: { message: Record<string, string>; finish_reason: string }[];
      usage: {
        prompt_tokens: number;
        completion_tokens: number;
        completion_tokens_details: { reasoning_tokens: number };
      };
    };
    expect(res.headers.get('x-request-id')).toBe(body.id);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('student');
    const message = body.choices[0]!.message;
    expect(message.role).toBe('assistant');
    expect(message.reasoning_content).toBe(Array.from({ length: 12 }, (_, i) => `step ${i + 1}`).join(' '));
    expect(message.reasoning).toBeUndefined();
    expect(message.content).toBe('Answer: what is 2+2');
    expect(body.choices[0]!.finish_reason).toBe('stop');
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(12);
    expect(body.usage.completion_tokens).toBe(12 + 4);
  });

  it('puts reasoning where the server default or the request asks', async () => {
    const { post } = setup({ reasoningFormat: 'reasoning' });
    const msg = async (extra: object) =>
      (
        (await (await post({ ...ask, ...extra })).json()) as {
          choices: { message: Record<string, string> }[];
        }
      ).choices[0]!.message;
    const vllm = await msg({});
    expect(vllm.reasoning).toMatch(/^step 1 step 2/);
    expect(vllm.reasoning_content).toBeUndefined();
    const both = await msg({ reasoning_format: 'both' });
    expect(both.reasoning).toBe(both.reasoning_content);
    const inline = await msg({ reasoning_format: 'inline' });
    expect(inline.content).toMatch(/^<think>\nstep 1 .* step 12\n<\/think>\n\nAnswer: what is 2\+2$/);
    const hidden = await msg({ reasoning: { exclude: true } });
    expect(hidden.reasoning).toBeUndefined();
    expect(hidden.reasoning_content).toBeUndefined();
    expect(hidden.content).toBe('Answer: what is 2+2');
  });

  it('maps sampling parameters, thinking switches and effort onto the model request', async () => {
    const { post, model } = setup({ effortBudgets: { low: 3 } });
    await post({ ...ask, max_completion_tokens: 50, temperature: 0.3, top_p: 0.9, seed: 7, stop: 'X' });
    expect(model.requests.at(-1)).toMatchObject({
      maxTokens: 50,
      temperature: 0.3,
      topP: 0.9,
      seed: 7,
      stop: ['X'],
    });

    const effort = (await (await post({ ...ask, reasoning_effort: 'low' })).json()) as {
      choices: { message: { reasoning_content: string } }[];
      usage: { completion_tokens_details: { reasoning_tokens: number } };
    };
    expect(model.requests.at(-1)?.thinking).toEqual({ budgetTokens: 3, reserveAnswer: true });
    expect(effort.choices[0]!.message.reasoning_content).toBe('step 1 step 2 step 3');
    expect(effort.usage.completion_tokens_details.reasoning_tokens).toBe(3);

    await post({ ...ask, thinking: { type: 'enabled', budget_tokens: 5 }, reasoning_effort: 'high' });
    expect(model.requests.at(-1)?.thinking).toEqual({ enabled: true, budgetTokens: 5, reserveAnswer: true });

    for (const off of [
      { chat_template_kwargs: { enable_thinking: false } },
      { thinking: { type: 'disabled' } },
      { reasoning_effort: 'none' },
    ]) {
      const res = (await (await post({ ...ask, ...off })).json()) as {
        choices: { message: Record<string, string> }[];
        usage: { completion_tokens_details: { reasoning_tokens: number } };
      };
      expect(model.requests.at(-1)?.thinking).toEqual({ enabled: false });
      expect(res.choices[0]!.message.reasoning_content).toBeUndefined();
      expect(res.usage.completion_tokens_details.reasoning_tokens).toBe(0);
    }
  });

  it('finishes with length and an empty answer when max_tokens runs out inside thinking', async () => {
    const { post } = setup();
    const res = (await (await post({ ...ask, max_tokens: 5 })).json()) as {
      choices: { message: Record<string, string>; finish_reason: string }[];
      usage: { completion_tokens: number; completion_tokens_details: { reasoning_tokens: number } };
    };
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.choices[0]!.message.content).toBe('');
    expect(res.choices[0]!.message.reasoning_content).toBe('step 1 step 2 step 3 step 4 step 5');
    expect(res.usage.completion_tokens_details.reasoning_tokens).toBe(5);
  });

  it('runs n choices with consecutive seeds and sums their usage', async () => {
    const { post, model } = setup();
    const res = (await (await post({ ...ask, n: 3, seed: 10 })).json()) as {
      choices: { index: number }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(
      model.requests
        .slice(-3)
        .map((r) => r.seed)
        .sort(),
    ).toEqual([10, 11, 12]);
    expect(res.usage.prompt_tokens).toBe(5);
    expect(res.usage.completion_tokens).toBe(3 * 16);
  });

  it('accepts text-part arrays, developer messages and earlier assistant reasoning', async () => {
    const { post, model } = setup();
    const res = await post({
      model: 'teacher',
      messages: [
        { role: 'developer', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi ' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: 'hello', reasoning_content: 'greet' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(res.status).toBe(200);
    expect(model.requests).toHaveLength(0);
    const body = (await res.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.model).toBe('teacher');
    expect(body.choices[0]!.message.content).toBe('Answer: again');
  });
});

describe('POST /v1/chat/completions (streaming)', () => {
  it('streams reasoning deltas before content, then finish_reason, usage and [DONE]', async () => {
    const { post } = setup();
    const res = await post({ ...ask, stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const kinds = chunks
      .flatMap((c) => c.choices)
      .map((c) => (c.delta.reasoning_content ? 'r' : c.delta.content ? 'c' : c.finish_reason ? 'f' : '-'));
    expect(kinds.join('').replace(/-/g, '')).toMatch(/^r{12}c{4}f$/);
    expect(joinChunks(events)).toEqual({
      reasoning: Array.from({ length: 12 }, (_, i) => `step ${i + 1}`).join(' '),
      content: 'Answer: what is 2+2',
      finish: 'stop',
    });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.completion_tokens_details.reasoning_tokens).toBe(12);
  });

  it('omits usage unless asked, and streams n choices by index', async () => {
    const { post } = setup();
    const events = parseSse(
      await (await post({ ...ask, stream: true, n: 2, reasoning_format: 'reasoning' })).text(),
    );
    expect((events.slice(0, -1) as Chunk[]).some((c) => c.usage)).toBe(false);
    for (const i of [0, 1]) {
      const choice = joinChunks(events, i);
      expect(choice.reasoning).toMatch(/^step 1 .*step 12$/);
      expect(choice.content).toBe('Answer: what is 2+2');
      expect(choice.finish).toBe('stop');
    }
  });

  it('streams finish_reason length when thinking hits max_tokens', async () => {
    const { post } = setup();
    const events = parseSse(await (await post({ ...ask, stream: true, max_tokens: 4 })).text());
    expect(joinChunks(events)).toEqual({
      reasoning: 'step 1 step 2 step 3 step 4',
      content: '',
      finish: 'length',
    });
  });
});
