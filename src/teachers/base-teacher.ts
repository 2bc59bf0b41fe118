import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Timing, Trace } from '../core/trace.ts';
import type { GenerateOptions, Teacher, TeacherInfo } from './teacher.ts';

/** What an adapter may record beside the stream parts; lands in `Trace.raw` (never a key). */
export type RawExtras = Record<string, unknown>;

/**
 * Shared shape of every adapter: the adapter yields StreamParts for one request; this class adds timing to the
 * `finish` part, checks the port contract (exactly one finish, else `truncated`), and collects traces.
 */
export abstract class BaseTeacher implements Teacher {
  abstract readonly info: TeacherInfo;

  get id(): string {
    return this.info.uri;
  }

  /** One request, as provider-neutral parts. Must end with `finish` or throw a ProviderError. */
  protected abstract parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart>;

  async *stream(
    request: ChatRequest,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void } = {},
  ): AsyncIterable<StreamPart> {
    yield* this.timed(request, options.signal, {});
  }

  async generate(request: ChatRequest, options: GenerateOptions = {}): Promise<Trace> {
    const raw: RawExtras = {};
    const clock = new TraceClock();
    let reasoning = '';
    let answer = '';
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    let endedReasoning = false;
    let sawReasoning = false;
    // Consumes the adapter's parts directly (one async layer less than `stream()`: this is the hot path).
    for await (const part of this.parts(request, options.signal, raw)) {
      if (finish) continue;
      clock.see(part);
      if (part.type === 'reasoning-delta') {
        reasoning += part.delta;
        sawReasoning = true;
      } else if (part.type === 'reasoning-end') endedReasoning = true;
      else if (part.type === 'text-delta') answer += part.delta;
      else if (part.type === 'finish') finish = part;
    }
    if (!finish) throw new ProviderError('truncated', 'The stream ended without a finish reason');
    const trace: Trace = {
      reasoning: reasoning.trim(),
      answer: answer.trim(),
      finishReason: finish.finishReason,
      truncatedInThinking:
        finish.finishReason === 'length' && sawReasoning && (!endedReasoning || answer.trim() === ''),
      usage: finish.usage,
      timing: finish.timing ?? clock.timing(finish.usage),
    };
    if (Object.keys(raw).length > 0) trace.raw = raw;
    return trace;
  }

  private async *timed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const clock = new TraceClock();
    let finished = false;
    for await (const part of this.parts(request, signal, raw)) {
      if (finished) continue;
      clock.see(part);
      if (part.type === 'finish') {
        finished = true;
        yield { ...part, timing: part.timing ?? clock.timing(part.usage) };
        continue;
      }
      yield part;
    }
    if (!finished) throw new ProviderError('truncated', 'The stream ended without a finish reason');
  }
}

/** Timing of one reply: time to first token, time in thinking, total, tokens per second. */
class TraceClock {
  private readonly start = performance.now();
  private firstToken: number | undefined;
  private reasoningStart: number | undefined;
  private reasoningEnd: number | undefined;

  see(part: StreamPart): void {
    if (part.type !== 'reasoning-delta' && part.type !== 'text-delta' && part.type !== 'reasoning-end')
      return;
    const now = performance.now();
    if (part.type !== 'reasoning-end' && part.delta && this.firstToken === undefined) this.firstToken = now;
    if (part.type === 'reasoning-delta') this.reasoningStart ??= now;
    else if (part.type === 'reasoning-end' || this.reasoningStart !== undefined) this.reasoningEnd ??= now;
  }

  timing(usage: { reasoning: number; output: number }): Timing {
    const now = performance.now();
    const totalMs = now - this.start;
    const tokens = usage.reasoning + usage.output;
    const genMs = this.firstToken !== undefined ? now - this.firstToken : totalMs;
    return {
      ...(this.firstToken !== undefined ? { ttftMs: this.firstToken - this.start } : {}),
      ...(this.reasoningStart !== undefined
        ? { thinkingMs: (this.reasoningEnd ?? now) - this.reasoningStart }
        : {}),
      totalMs,
      ...(genMs > 0 && tokens > 0 ? { tokensPerSecond: (tokens * 1000) / genMs } : {}),
    };
  }
}
