import { describe, expect, it } from 'vitest';
import { ChatChunkSchema, parseChatChunk } from './schemas.ts';

const ch = (delta: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'x',
  object: 'chat.completion.chunk',
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra,
});

// The hand-checked fast path must accept and reject exactly what the zod schema does.
const CASES: unknown[] = [
  ch({ role: 'assistant', content: null, reasoning_content: 'think' }),
  ch({ content: 'answer' }),
  ch({ reasoning: 'vllm style' }),
  ch({}),
  ch(null),
  { ...ch({}), choices: [] },
  { ...ch({}), choices: null },
  ch({ content: 'x' }, { usage: { prompt_tokens: 1, completion_tokens: 2 } }),
  ch({ reasoning_details: [{ type: 'reasoning.text', text: 'r' }] }),
  ch({ content: 42 }),
  ch({ reasoning_content: ['no'] }),
  ch([]),
  ch({ content: 'x' }, { model: 7 }),
  { ...ch({}), choices: [{ delta: {}, finish_reason: 3 }] },
  { ...ch({}), choices: [null] },
  { ...ch({}), choices: 'nope' },
  ch({ content: 'x' }, { usage: 'bad' }),
  ch(
    {},
    {
      usage: {
        prompt_tokens: 20,
        completion_tokens: 40,
        completion_tokens_details: { reasoning_tokens: 30 },
      },
    },
  ),
  ch(
    {},
    {
      usage: {
        prompt_tokens: null,
        total_tokens: 3,
        prompt_tokens_details: { cached_tokens: 1 },
        extra: 'x',
      },
    },
  ),
  ch({}, { usage: { prompt_tokens: 1.5 } }),
  ch({}, { usage: { completion_tokens: 2 ** 60 } }),
  ch({}, { usage: { completion_tokens: '2' } }),
  ch({}, { usage: { completion_tokens_details: { reasoning_tokens: 0.5 } } }),
  ch({}, { usage: { completion_tokens_details: [] } }),
  ch({}, { usage: { completion_tokens_details: null } }),
  ch({}, { usage: [] }),
  null,
  [],
  'data',
];

describe('parseChatChunk', () => {
  it.each(CASES.map((c, i) => [i, c]))('case %i agrees with ChatChunkSchema', (_i, value) => {
    const fast = parseChatChunk(value);
    const slow = ChatChunkSchema.safeParse(value);
    expect(fast.success).toBe(slow.success);
    if (fast.success && slow.success) {
      expect(fast.data.choices?.[0]?.delta ?? null).toMatchObject(slow.data.choices?.[0]?.delta ?? {});
      expect(fast.data.usage ?? undefined).toEqual(slow.data.usage ?? undefined);
    }
  });
});
