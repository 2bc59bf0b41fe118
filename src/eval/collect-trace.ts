import type { ChatModel, ChatRequest } from '../core/chat-model.ts';
import type { Trace } from '../core/trace.ts';

/** Run one request to completion and gather its StreamParts into a Trace. */
export async function collectTrace(
  model: ChatModel,
  request: ChatRequest,
  signal?: AbortSignal,
): Promise<Trace> {
  const started = performance.now();
  let reasoning = '';
  let answer = '';
  let firstToken: number | undefined;
  let trace: Trace | undefined;
  for await (const part of model.stream(request, signal ? { signal } : {})) {
    if (part.type === 'reasoning-delta' || part.type === 'text-delta') {
      firstToken ??= performance.now();
      if (part.type === 'reasoning-delta') reasoning += part.delta;
      else answer += part.delta;
    } else if (part.type === 'finish') {
      const totalMs = performance.now() - started;
      trace = {
        reasoning,
        answer,
        finishReason: part.finishReason,
        truncatedInThinking: part.finishReason === 'length' && answer.trim() === '',
        usage: part.usage,
        timing: part.timing ?? {
          totalMs,
          ...(firstToken !== undefined ? { ttftMs: firstToken - started } : {}),
        },
      };
    } else if (part.type === 'error') {
      trace = { ...unfinished(reasoning, answer, 'error', started), raw: { error: part.error } };
    }
  }
  return trace ?? unfinished(reasoning, answer, 'other', started);
}

/** A trace for a stream that ended without a `finish` part (no usage known). */
function unfinished(
  reasoning: string,
  answer: string,
  finishReason: 'error' | 'other',
  started: number,
): Trace {
  return {
    reasoning,
    answer,
    finishReason,
    truncatedInThinking: false,
    usage: { input: 0, reasoning: 0, output: 0 },
    timing: { totalMs: performance.now() - started },
  };
}
