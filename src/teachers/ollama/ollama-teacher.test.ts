import { describe, expect, it } from 'vitest';
import { createTeacher } from '../create-teacher.ts';
import { fixture, recordedChunks } from '../testing/replay-server.ts';
import { useReplayServer } from '../testing/use-replay-server.ts';

const server = useReplayServer();

const ask = {
  messages: [{ role: 'user' as const, content: 'What is 8 - 3?' }],
  maxTokens: 128,
  temperature: 0.6,
  seed: 3,
};
const env = () => ({ OLLAMA_HOST: server.url, DISTILL_KEYS_FILE: '/nonexistent' });

describe('Ollama native /api/chat', () => {
  it('streams NDJSON: message.thinking, then message.content; counts from the final line', async () => {
    server.next = {
      chunks: recordedChunks('ollama-native.ndjson.chunks.txt'),
      headers: { 'content-type': 'application/x-ndjson' },
    };
    const teacher = await createTeacher('ollama:deepseek-r1:7b', { env: env() });
    const trace = await teacher.generate(ask);
    expect(trace).toMatchObject({ reasoning: '8 - 3 = 5', answer: '\\boxed{5}', finishReason: 'stop' });
    expect(trace.usage.input).toBe(9);
    expect(trace.usage.reasoning + trace.usage.output).toBe(15);
    expect(teacher.info).toMatchObject({ access: 'self_hosted', termsId: 'qwen-apache-2.0' });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/api/chat');
    expect(sent.body).toMatchObject({
      model: 'deepseek-r1:7b',
      think: true,
      stream: true,
      options: { num_predict: 128, seed: 3 },
    });
  });

  it('non-streaming body', async () => {
    server.next = { body: fixture('ollama-native.json') };
    const trace = await (await createTeacher('ollama:deepseek-r1:7b?stream=false', { env: env() })).generate(
      ask,
    );
    expect(trace).toMatchObject({ reasoning: '8 - 3 = 5', answer: '\\boxed{5}' });
    expect(server.requests.at(-1)!.body).toMatchObject({ stream: false });
  });

  it('a stream without done:true is truncated; an error body is mapped', async () => {
    const teacher = await createTeacher('ollama:deepseek-r1:7b', { env: env() });
    server.next = { chunks: recordedChunks('ollama-native.ndjson.chunks.txt').slice(0, 2) };
    expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'truncated' });
    server.next = {
      status: 404,
      body: '{"error":"model \\"deepseek-r1:7b\\" not found, try pulling it first"}',
    };
    expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'bad-request', status: 404 });
    server.next = { chunks: ['{"model":"x","message":{"content":"a"},"done":false}\n', 'not json\n'] };
    expect(await teacher.generate(ask).catch((e) => e)).toMatchObject({ kind: 'malformed' });
  });
});
