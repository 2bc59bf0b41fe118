import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ModelError } from '../core/errors/model-error.ts';
import type { LogprobRequest } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { FinishReason, ThinkingEnd, Timing, Trace, Usage } from '../core/trace.ts';
import { TraceFold } from '../core/trace-fold.ts';
import type { ServedModel } from './model-registry.ts';

/** What one choice produced, gathered while its parts stream by (the one core fold, timed from the request). */
export class ChoiceAccumulator {
  readonly #fold: TraceFold;

  /** `startedAt` is `performance.now()` when the HTTP request arrived (TTFT includes queueing). */
  constructor(startedAt: number) {
    this.#fold = new TraceFold({ startedAt });
  }

  observe(part: StreamPart): void {
    this.#fold.push(part);
  }

  get finishReason(): FinishReason | undefined {
    return this.#fold.finish?.finishReason;
  }

  get usage(): Usage | undefined {
    return this.#fold.finish?.usage;
  }

  /** The model's own timing figures, when it sent them. */
  get modelTiming(): Timing | undefined {
    return this.#fold.finish?.timing;
  }

  /** How thinking ended (Distill extension `thinking_end` on the choice). */
  get thinkingEnd(): ThinkingEnd {
    return this.#fold.thinkingEnd();
  }

  /** The finished choice as a Trace (trimmed reasoning and answer). */
  trace(): Trace {
    return this.#fold.trace();
  }

  /** Reasoning exactly as streamed (untrimmed: a non-streamed message equals the joined deltas). */
  get reasoning(): string {
    return this.#fold.reasoning;
  }

  /** Answer exactly as streamed (untrimmed). */
  get content(): string {
    return this.#fold.answer;
  }

  /** Timing as the server saw it. */
  measured(): Timing {
    const { tokensPerSecond: _, ...timing } = this.#fold.measured();
    return timing;
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
