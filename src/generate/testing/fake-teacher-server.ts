import { mulberry32 } from '../../core/seeded-random.ts';
import type { RecordedRequest, ReplayServer, Reply } from '../../teachers/testing/replay-server.ts';
import { startReplayServer } from '../../teachers/testing/replay-server.ts';

/** Faults the server can inject, and what the engine must record them as. */
export const FAULTS = {
  'rate-limit': 'rate-limit',
  server: 'server',
  timeout: 'timeout',
  truncated: 'truncated',
  'invalid-json': 'malformed',
  empty: 'empty',
} as const;
export type FaultName = keyof typeof FAULTS;

export interface FakeTeacherOptions {
  /** Share of requests answered with a fault. Defaults to 0. */
  faultRate?: number;
  /** Faults drawn from (uniformly). Defaults to all. */
  faults?: FaultName[];
  /** Deterministic fault draws. Defaults to 1. */
  seed?: number;
  /** Pause between SSE events in ms. Defaults to 0. */
  chunkDelayMs?: number;
  /** Usage reported per reply. Defaults to 20 input, 30 reasoning, 10 output. */
  usage?: { input: number; reasoning: number; output: number };
  /** The answer text for a prompt and seed. Defaults to `The answer is \\boxed{42}.` */
  answer?: (prompt: string, seed: number | undefined) => string;
}

export interface FakeTeacherServer extends ReplayServer {
  /** Faults injected so far, by name. */
  injected: Record<FaultName, number>;
  /** Successful replies so far. */
  answered: number;
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** A DeepSeek-style SSE answer to a chat request: reasoning_content, then a boxed answer, then usage. */
export function goodReply(
  req: RecordedRequest,
  usage = { input: 20, reasoning: 30, output: 10 },
  answer?: (prompt: string, seed: number | undefined) => string,
): Reply {
  const body = req.body as { messages?: Array<{ content?: string }>; seed?: number };
  const prompt = body.messages?.[0]?.content ?? '';
  const base = { id: 'fake', object: 'chat.completion.chunk', created: 1, model: 'fake-r1' };
  const choice = (delta: object, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  return {
    chunks: [
      sse(
        choice({
          role: 'assistant',
          content: null,
          reasoning_content: `Thinking about: ${prompt.slice(0, 40)}`,
        }),
      ),
      sse(choice({ reasoning_content: ` (seed ${body.seed ?? 'none'})` })),
      sse(choice({ content: answer ? answer(prompt, body.seed) : 'The answer is \\boxed{42}.' })),
      sse({
        ...choice({}, 'stop'),
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.reasoning + usage.output,
          completion_tokens_details: { reasoning_tokens: usage.reasoning },
        },
      }),
      'data: [DONE]\n\n',
    ],
  };
}

function faultReply(fault: FaultName): Reply {
  const head = sse({
    id: 'f',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'fake-r1',
    choices: [{ index: 0, delta: { reasoning_content: 'Let me' }, finish_reason: null }],
  });
  switch (fault) {
    case 'rate-limit':
      return {
        status: 429,
        headers: { 'retry-after-ms': '30', 'retry-after': '1' },
        body: '{"error":{"message":"Rate limit reached for requests"}}',
      };
    case 'server':
      return { status: 500, body: '{"error":{"message":"Internal server error"}}' };
    case 'timeout':
      return { hang: true };
    case 'truncated':
      return { chunks: [head, 'data: {"id":"f","object":"chat.comp'], destroy: true };
    case 'invalid-json':
      return { chunks: [head, 'data: {"choices":[{"delta":{"content":"x"}]\n\n', 'data: [DONE]\n\n'] };
    case 'empty':
      return {
        chunks: [
          sse({
            id: 'f',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'fake-r1',
            choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
          }),
          'data: [DONE]\n\n',
        ],
      };
  }
}

/**
 * An OpenAI-compatible teacher on 127.0.0.1 that answers every chat request, and answers a deterministic share
 * of them with injected faults (429 + Retry-After, 500, hang, cut stream, invalid JSON, empty reply).
 */
export async function startFakeTeacher(options: FakeTeacherOptions = {}): Promise<FakeTeacherServer> {
  const random = mulberry32(options.seed ?? 1);
  const faults = options.faults ?? (Object.keys(FAULTS) as FaultName[]);
  const injected = Object.fromEntries(Object.keys(FAULTS).map((k) => [k, 0])) as Record<FaultName, number>;
  let answered = 0;
  const server = await startReplayServer((req) => {
    if (!req.url.includes('/chat/completions'))
      return { body: '{"object":"list","data":[{"id":"fake-r1","object":"model"}]}' };
    if (random() < (options.faultRate ?? 0)) {
      const fault = faults[Math.floor(random() * faults.length)] ?? 'server';
      injected[fault] += 1;
      return faultReply(fault);
    }
    answered += 1;
    const reply = goodReply(req, options.usage, options.answer);
    return options.chunkDelayMs ? { ...reply, chunkDelayMs: options.chunkDelayMs } : reply;
  });
  const fake = Object.assign(server, { injected, answered: 0 });
  Object.defineProperty(fake, 'answered', { get: () => answered });
  return fake;
}
