import { DistillError } from '../core/errors/distill-error.ts';
import { ModelError } from '../core/errors/model-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Trace } from '../core/trace.ts';

/** Fold a StreamPart stream into a Trace (reasoning, answer, finish reason, usage, timing). */
export async function collectTrace(parts: AsyncIterable<StreamPart>): Promise<Trace> {
  let reasoning = '';
  let answer = '';
  let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
  for await (const part of parts) {
    if (part.type === 'reasoning-delta') reasoning += part.delta;
    else if (part.type === 'text-delta') answer += part.delta;
    else if (part.type === 'finish') finish = part;
    else if (part.type === 'error') throw new ModelError(part.error, { code: part.code ?? 'E_MODEL' });
  }
  if (!finish) throw new DistillError('generation ended without a finish part', { code: 'E_MODEL' });
  return {
    reasoning: reasoning.trim(),
    answer: answer.trim(),
    finishReason: finish.finishReason,
    truncatedInThinking: finish.finishReason === 'length' && reasoning !== '' && answer.trim() === '',
    usage: finish.usage,
    timing: finish.timing ?? { totalMs: 0 },
  };
}
