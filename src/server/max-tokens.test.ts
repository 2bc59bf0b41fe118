import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chunk, parseSse } from '../../test/serve/sse.ts';
import { type LocalModel, loadModel } from '../runtime/local-model.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import { createServer } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
import { ModelRegistry } from './model-registry.ts';

/**
 * Issue 22 on a real server with the real built-in teacher (llama.cpp runtime): `max_tokens` is a hard stop with
 * `finish_reason: "length"` (OpenAI semantics); only a requested thinking budget forces an answer; every choice
 * says how thinking ended (`thinking_end`), and a Distill teacher pointed at the server reads it back.
 */
const TEACHER = 'models/distill-teacher-q8_0.gguf';
let model: LocalModel;
let server: RunningServer;

interface Choice {
  message: { content: string; reasoning_content?: string };
  finish_reason: string;
  thinking_end: string;
}

const question = { role: 'user' as const, content: 'What is 57 + 38?' };

async function complete(body: Record<string, unknown>): Promise<Choice> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'teacher', messages: [question], temperature: 0, ...body }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { choices: Choice[] }).choices[0] as Choice;
}

describe.runIf(existsSync(TEACHER))('distill serve: max_tokens versus thinking budgets (issue 22)', () => {
  beforeAll(async () => {
    model = await loadModel(TEACHER, { slots: 2, contextPerSequence: 1024 });
    const registry = new ModelRegistry();
    registry.add('teacher', model);
    server = await listen(createServer({ registry, webRoot: false }).app, { port: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await model?.dispose();
  });

  it('max_tokens cuts thinking: finish_reason "length", no forced answer, thinking_end "cut"', async () => {
    const choice = await complete({ max_tokens: 40 });
    expect(choice.finish_reason).toBe('length');
    expect(choice.thinking_end).toBe('cut');
    expect(choice.message.content).toBe('');
    expect(choice.message.reasoning_content).not.toContain('Time is up');

    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'teacher',
        messages: [question],
        temperature: 0,
        max_tokens: 40,
        stream: true,
      }),
    });
    const chunks = parseSse(await res.text()).filter((c): c is Chunk => typeof c === 'object');
    const last = chunks.flatMap((c) => c.choices).find((c) => c.finish_reason);
    expect(last).toMatchObject({ finish_reason: 'length', thinking_end: 'cut' });
  });

  it('a requested budget forces the answer, without the wrap-up line in the reasoning', async () => {
    const choice = await complete({ max_tokens: 400, thinking: { type: 'enabled', budget_tokens: 20 } });
    expect(choice.finish_reason).toBe('stop');
    expect(choice.thinking_end).toBe('budget');
    expect(choice.message.content).not.toBe('');
    expect(choice.message.reasoning_content).not.toContain('Time is up');
  });

  it('reasoning_effort opts in too, and then max_tokens keeps room for the answer', async () => {
    const choice = await complete({ max_tokens: 40, reasoning_effort: 'minimal' });
    expect(choice.thinking_end).toBe('max-tokens-reserve');
    expect(choice.message.content).not.toBe('');
  });

  it('a Distill teacher reads thinking_end back (streaming and not)', async () => {
    for (const stream of [true, false]) {
      const teacher = await createTeacher(`openai-compatible:${server.url}/v1#teacher`, { stream });
      const cut = await teacher.generate({ messages: [question], maxTokens: 40, temperature: 0 });
      expect(cut).toMatchObject({
        finishReason: 'length',
        thinkingEnd: 'cut',
        truncatedInThinking: true,
        answer: '',
      });
      const forced = await teacher.generate({
        messages: [question],
        maxTokens: 400,
        temperature: 0,
        thinking: { budgetTokens: 20 },
      });
      expect(forced).toMatchObject({ finishReason: 'stop', thinkingEnd: 'budget' });
    }
  });
});
