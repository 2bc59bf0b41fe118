import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Trace } from '../core/trace.ts';
import { foldTrace, TraceFold } from '../core/trace-fold.ts';
import type { GenerateOptions, Teacher, TeacherInfo } from './teacher.ts';

/** What an adapter may record beside the stream parts; lands in `Trace.raw` (never a key). */
export type RawExtras = Record<string, unknown>;

/**
 * Shared shape of every adapter: the adapter yields StreamParts for one request; this class adds timing to the
 * `finish` part, checks the port contract (exactly one finish, else `truncated`), and folds traces with the one
 * core fold ({@link foldTrace}).
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
    return foldTrace(this.timed(request, options.signal, raw), { raw });
  }

  /** The adapter's parts, with the fold's measured timing on `finish` and the port contract checked. */
  private async *timed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const fold = new TraceFold();
    for await (const part of this.parts(request, signal, raw)) {
      if (fold.done) continue;
      fold.push(part);
      if (part.type === 'finish') {
        yield { ...part, timing: part.timing ?? fold.measured(part.usage) };
        continue;
      }
      yield part;
    }
    if (!fold.finish) throw new ProviderError('truncated', 'The stream ended without a finish reason');
  }
}
