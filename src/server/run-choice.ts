import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ModelError } from '../core/errors/model-error.ts';
import type { LogprobRequest } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { FinishReason, Timing, Usage } from '../core/trace.ts';
import type { ServedModel } from './model-registry.ts';

/** What one choice produced, gathered while its parts stream by. */
export class ChoiceAccumulator {
  reasoning = '';
  content = '';
  finishReason: FinishReason | undefined;
  usage: Usage | undefined;
  modelTiming: Timing | undefined;
  readonly #startedAt: number;
  #firstTokenAt: number | undefined;
  #thinkingStartAt: number | undefined;
  #thinkingMs: number | undefined;
  #endedAt: number | undefined;

  /** `startedAt` is `performance.now()` when the HTTP request arrived (TTFT includes queueing). */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  observe(part: StreamPart): void {
    const now = performance.now();
    if (part.type === 'reasoning-delta' || part.type === 'text-delta') this.#firstTokenAt ??= now;
    if (part.type === 'reasoning-start') this.#thinkingStartAt ??= now;
    if (part.type === 'reasoning-delta') this.reasoning += part.delta;
    if (part.type === 'text-delta') this.content += part.delta;
    if (part.type === 'reasoning-end') this.#endThinking(now);
    if (part.type === 'finish') {
      this.#endThinking(now);
      this.finishReason = part.finishReason;
      this.usage = part.usage;
      this.modelTiming = part.timing;
      this.#endedAt = now;
    }
  }

  #endThinking(now: number): void {
    if (this.#thinkingStartAt !== undefined && this.#thinkingMs === undefined)
      this.#thinkingMs = Math.round(now - this.#thinkingStartAt);
  }

  /** Timing as the server saw it. */
  measured(): Timing {
    const end = this.#endedAt ?? performance.now();
    return {
      totalMs: end - this.#startedAt,
      ...(this.#firstTokenAt !== undefined ? { ttftMs: this.#firstTokenAt - this.#startedAt } : {}),
      ...(this.#thinkingMs !== undefined ? { thinkingMs: this.#thinkingMs } : {}),
    };
  }
}

/**
 * Run one choice on a served model: wait for a queue slot, stream, release the slot however it ends.
 * An `error` part or a stream without `finish` becomes a thrown ModelError.
 */
export async function* runChoice(
  served: ServedModel,
  request: ChatRequest,
  options: { signal: AbortSignal; control: (c: GenerationControl) => void; logprobs?: LogprobRequest },
): AsyncGenerator<StreamPart> {
  const release = await served.queue.acquire(options.signal);
  try {
    let finished = false;
    for await (const part of served.model.stream(request, options)) {
      if (part.type === 'error')
        throw new ModelError(`Model '${served.name}' failed: ${part.error}`, {
          ...(part.code ? { code: part.code } : {}),
        });
      if (part.type === 'finish') finished = true;
      yield part;
    }
    if (!finished && !options.signal.aborted)
      throw new ModelError(`Model '${served.name}' ended its stream without a finish part`);
  } finally {
    release();
  }
}
