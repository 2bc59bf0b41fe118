import { describe, expect, it } from 'vitest';
import { createTeacher } from '../create-teacher.ts';
import { fixture, sseReply } from '../testing/replay-server.ts';
import { useReplayServer } from '../testing/use-replay-server.ts';

const server = useReplayServer();

const ask = { messages: [{ role: 'user' as const, content: 'What is 12 squared?' }], maxTokens: 4096 };
const env = () => ({
  ANTHROPIC_API_KEY: 'sk-ant-test',
  ANTHROPIC_BASE_URL: `${server.url}/v1`,
  DISTILL_KEYS_FILE: '/nonexistent',
});

describe('Anthropic extended thinking', () => {
  it('streams thinking deltas and keeps the signature and redacted blocks in raw', async () => {
    server.next = sseReply('anthropic-thinking.chunks.txt');
    const teacher = await createTeacher('anthropic:claude-sonnet-4-5', { env: env() });
    const trace = await teacher.generate(ask);
    expect(trace).toMatchObject({
      reasoning: '12 squared is 144.',
      answer: '\\boxed{144}',
      finishReason: 'stop',
    });
    expect(trace.usage.input).toBe(21);
    expect(trace.raw?.thinkingBlocks).toEqual([
      {
        type: 'thinking',
        thinking: '12 squared is 144.',
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      },
      {
        type: 'redacted_thinking',
        data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj',
      },
    ]);
    expect(teacher.info.termsId).toBe('anthropic-terms');
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 3072 }, max_tokens: 4096 });
  });

  it('non-streaming keeps the same blocks', async () => {
    server.next = { body: fixture('anthropic-thinking.json') };
    const trace = await (
      await createTeacher('anthropic:claude-sonnet-4-5', { env: env(), stream: false })
    ).generate(ask);
    expect(trace).toMatchObject({ reasoning: '12 squared is 144.', answer: '\\boxed{144}' });
    expect(trace.raw?.thinkingBlocks).toHaveLength(2);
  });

  it('maps 429 with retry-after and 529 overloaded', async () => {
    const teacher = await createTeacher('anthropic:claude-sonnet-4-5', { env: env() });
    server.next = {
      status: 429,
      headers: { 'retry-after': '3' },
      body: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}',
    };
    expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 3000,
    });
    server.next = {
      status: 529,
      body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    };
    expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'server', retryable: true });
  });
});
