import { ModelError } from './errors/model-error.ts';
import type { StreamPart } from './stream-part.ts';
import type { FinishReason, ThinkingEnd, Timing, Trace, Usage } from './trace.ts';

type FinishPart = Extract<StreamPart, { type: 'finish' }>;

export interface TraceFoldOptions {
  /** `performance.now()` when the request started (time to first token counts from here). Defaults to now. */
  startedAt?: number;
}

/**
 * The one StreamPart → Trace fold (runtime, teachers, eval, server). Its rules:
 * - reasoning and answer are the concatenated deltas, trimmed;
 * - parts after the first `finish` are ignored;
 * - an `error` part, or a stream without `finish`, is a failure: {@link TraceFold.trace} throws a ModelError
 *   (no half trace ever looks like a reply);
 * - `thinkingEnd` comes from the `finish` part when the producer knows it (the runtime, a Distill server), except
 *   that empty thinking the model closed itself is `none`; else it is derived: no (or blank) thinking → `none`; answer text after the thinking → `natural`; a `length`/`abort`/`error`
 *   finish with no answer text → `cut`; otherwise `natural`;
 * - `truncatedInThinking` = finish `length` and thinking `cut` (or thinking with no answer at all);
 * - timing is the producer's when it sends one, else what the fold measured.
 */
export class TraceFold {
  private reasoningText = '';
  private answerText = '';
  private sawReasoning = false;
  private answerAfterReasoning = false;
  private finishPart: FinishPart | undefined;
  private failure: Extract<StreamPart, { type: 'error' }> | undefined;
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private thinkingStartAt: number | undefined;
  private thinkingEndAt: number | undefined;
  private endedAt: number | undefined;

  constructor(options: TraceFoldOptions = {}) {
    this.startedAt = options.startedAt ?? performance.now();
  }

  /** Take one part (ignored once the stream finished or failed). */
  push(part: StreamPart): void {
    if (this.finishPart || this.failure) return;
    const now = performance.now();
    switch (part.type) {
      case 'reasoning-start':
        this.sawReasoning = true;
        this.thinkingStartAt ??= now;
        break;
      case 'reasoning-delta':
        this.sawReasoning = true;
        this.thinkingStartAt ??= now;
        if (part.delta) this.firstTokenAt ??= now;
        this.reasoningText += part.delta;
        break;
      case 'reasoning-end':
        if (this.thinkingStartAt !== undefined) this.thinkingEndAt ??= now;
        break;
      case 'text-start':
        break;
      case 'text-delta':
        if (part.delta) this.firstTokenAt ??= now;
        if (this.thinkingStartAt !== undefined) this.thinkingEndAt ??= now;
        if (this.sawReasoning && part.delta.trim() !== '') this.answerAfterReasoning = true;
        this.answerText += part.delta;
        break;
      case 'text-end':
        break;
      case 'finish':
        if (this.thinkingStartAt !== undefined) this.thinkingEndAt ??= now;
        this.endedAt = now;
        this.finishPart = part;
        break;
      case 'error':
        this.failure = part;
        break;
    }
  }

  /** Thinking so far (untrimmed). */
  get reasoning(): string {
    return this.reasoningText;
  }

  /** Answer so far (untrimmed). */
  get answer(): string {
    return this.answerText;
  }

  /** The `finish` part, once it arrived. */
  get finish(): FinishPart | undefined {
    return this.finishPart;
  }

  /** True once a `finish` or an `error` part arrived: later parts are ignored. */
  get done(): boolean {
    return this.finishPart !== undefined || this.failure !== undefined;
  }

  /** The failure an `error` part reported, as the ModelError {@link trace} throws. */
  get error(): ModelError | undefined {
    if (!this.failure) return undefined;
    return new ModelError(this.failure.error, { code: this.failure.code ?? 'E_MODEL' });
  }

  /** Timing as the fold saw it (tokens per second only when `usage` is given). */
  measured(usage?: Usage): Timing {
    const end = this.endedAt ?? performance.now();
    const totalMs = end - this.startedAt;
    const tokens = usage ? usage.reasoning + usage.output : 0;
    const genMs = this.firstTokenAt !== undefined ? end - this.firstTokenAt : totalMs;
    // Built key by key in the stored order (no spread of temporary objects: this runs once per reply).
    const timing = {} as Timing;
    if (this.firstTokenAt !== undefined) timing.ttftMs = this.firstTokenAt - this.startedAt;
    if (this.thinkingStartAt !== undefined)
      timing.thinkingMs = (this.thinkingEndAt ?? end) - this.thinkingStartAt;
    timing.totalMs = totalMs;
    if (genMs > 0 && tokens > 0) timing.tokensPerSecond = (tokens * 1000) / genMs;
    return timing;
  }

  /** How thinking ended: the producer's word when it gave one, else derived (see the class rules). */
  thinkingEnd(): ThinkingEnd {
    const reported = this.finishPart?.thinkingEnd;
    const empty = !this.sawReasoning || this.reasoningText.trim() === '';
    // Empty thinking the model closed itself is no thinking; a forced or cut end stays what it was.
    if (reported) return reported === 'natural' && empty ? 'none' : reported;
    if (empty) return 'none';
    if (this.answerAfterReasoning) return 'natural';
    return isCutFinish(this.finishPart?.finishReason) ? 'cut' : 'natural';
  }

  /**
   * The Trace. Throws a ModelError when the stream failed (`error` part) or when it ended without a
   * `finish` part.
   */
  trace(raw?: Record<string, unknown>): Trace {
    const error = this.error;
    if (error) throw error;
    const finish = this.finishPart;
    if (!finish)
      throw new ModelError('The model stream ended without a finish part', {
        hint: 'the model or server stopped mid-reply; retry, or check its logs',
      });
    const reasoning = this.reasoningText.trim();
    const answer = this.answerText.trim();
    const thinkingEnd = this.thinkingEnd();
    const trace: Trace = {
      reasoning,
      answer,
      finishReason: finish.finishReason,
      truncatedInThinking:
        finish.finishReason === 'length' &&
        (thinkingEnd === 'cut' || (reasoning !== '' && answer === '' && thinkingEnd !== 'none')),
      thinkingEnd,
      usage: finish.usage,
      timing: finish.timing ?? this.measured(finish.usage),
    };
    if (raw && Object.keys(raw).length > 0) trace.raw = raw;
    return trace;
  }
}

function isCutFinish(reason: FinishReason | undefined): boolean {
  return reason === 'length' || reason === 'abort' || reason === 'error';
}

/** Fold a whole stream into a Trace (see {@link TraceFold} for the rules). Stops reading at an `error` part. */
export async function foldTrace(
  parts: AsyncIterable<StreamPart>,
  options: TraceFoldOptions & { raw?: Record<string, unknown> } = {},
): Promise<Trace> {
  const fold = new TraceFold(options);
  for await (const part of parts) {
    fold.push(part);
    if (fold.error) break;
  }
  return fold.trace(options.raw);
}
