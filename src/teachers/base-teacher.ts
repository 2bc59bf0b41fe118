import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Trace } from '../core/trace.ts';
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
    let reasoning = '';
    let answer = '';
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    let endedReasoning = false;
    let sawReasoning = false;
    for await (const part of this.timed(request, options.signal, raw)) {
      if (part.type === 'reasoning-delta') {
        reasoning += part.delta;
        sawReasoning = true;
      } else if (part.type === 'reasoning-end') endedReasoning = true;
      else if (part.type === 'text-delta') answer += part.delta;
      else if (part.type === 'finish') finish = part;
    }
    if (!finish) throw new ProviderError('truncated', 'The reply ended without a finish');
    const trace: Trace = {
      reasoning: reasoning.trim(),
      answer: answer.trim(),
      finishReason: finish.finishReason,
      truncatedInThinking:
        finish.finishReason === 'length' && sawReasoning && (!endedReasoning || answer.trim() === ''),
      usage: finish.usage,
      timing: finish.timing ?? { totalMs: 0 },
    };
    if (Object.keys(raw).length > 0) trace.raw = raw;
    return trace;
  }

  private async *timed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const start = performance.now();
    let firstToken: number | undefined;
    let reasoningStart: number | undefined;
    let reasoningEnd: number | undefined;
    let finished = false;
    for await (const part of this.parts(request, signal, raw)) {
      if (finished) continue;
      const now = performance.now();
      if (
        (part.type === 'reasoning-delta' || part.type === 'text-delta') &&
        part.delta &&
        firstToken === undefined
      )
        firstToken = now;
      if (part.type === 'reasoning-delta' && reasoningStart === undefined) reasoningStart = now;
      if (part.type === 'reasoning-end' || (part.type === 'text-delta' && reasoningStart !== undefined))
        reasoningEnd ??= now;
      if (part.type === 'finish') {
        finished = true;
        const totalMs = now - start;
        const tokens = part.usage.reasoning + part.usage.output;
        const genMs = firstToken !== undefined ? now - firstToken : totalMs;
        yield {
          ...part,
          timing: part.timing ?? {
            ...(firstToken !== undefined ? { ttftMs: firstToken - start } : {}),
            ...(reasoningStart !== undefined ? { thinkingMs: (reasoningEnd ?? now) - reasoningStart } : {}),
            totalMs,
            ...(genMs > 0 && tokens > 0 ? { tokensPerSecond: (tokens * 1000) / genMs } : {}),
          },
        };
        continue;
      }
      yield part;
    }
    if (!finished) throw new ProviderError('truncated', 'The stream ended without a finish reason');
  }
}
