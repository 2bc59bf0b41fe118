import type { ChatRequest, GenerationControl } from '../core/chat-model.ts';
import { ProviderError } from '../core/errors/provider-error.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Trace } from '../core/trace.ts';
import { TraceFold } from '../core/trace-fold.ts';
import { abortError } from './provider-errors.ts';
import type { GenerateOptions, Teacher, TeacherInfo } from './teacher.ts';

/** What an adapter may record beside the stream parts; lands in `Trace.raw` (never a key). */
export type RawExtras = Record<string, unknown>;

/**
 * What an adapter yields: one part, or the parts of one network read together. A batch costs one async step
 * instead of one per part per layer, which is most of a teacher's own cost on a fast local server.
 */
export type PartOrBatch = StreamPart | readonly StreamPart[];

/**
 * Shared shape of every adapter: the adapter yields StreamParts for one request; this class adds timing to the
 * `finish` part, checks the port contract (exactly one finish, else `truncated`), and folds traces with the one
 * core fold ({@link TraceFold}).
 */
export abstract class BaseTeacher implements Teacher {
  abstract readonly info: TeacherInfo;

  get id(): string {
    return this.info.uri;
  }

  /**
   * One request, as provider-neutral parts (alone or in batches). Must end with `finish` or throw a ProviderError.
   * `timeoutMs` is given only to adapters that set {@link timesOutItself}.
   */
  protected abstract parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
    timeoutMs?: number,
  ): AsyncIterable<PartOrBatch>;

  /** True when {@link parts} applies a `timeoutMs` itself (else `generate` times it out with a signal). */
  protected timesOutItself(): boolean {
    return false;
  }

  async *stream(
    request: ChatRequest,
    options: { signal?: AbortSignal; control?: (c: GenerationControl) => void } = {},
  ): AsyncIterable<StreamPart> {
    yield* this.timed(request, options.signal, {});
  }

  /**
   * One request folded into a Trace: the same fold and contract as `foldTrace(stream())`, without passing every
   * part through the stream's generator layers (the generate engine's hot path).
   */
  async generate(request: ChatRequest, options: GenerateOptions = {}): Promise<Trace> {
    const { timeoutMs } = options;
    if (timeoutMs === undefined || this.timesOutItself())
      return this.collect(request, options.signal, timeoutMs);
    // One controller per request: the caller's signal or the timer aborts it.
    const controller = new AbortController();
    const parent = options.signal;
    const timer = setTimeout(
      () => controller.abort(new DOMException('Request timed out', 'TimeoutError')),
      timeoutMs,
    );
    const onAbort = () => controller.abort(parent?.reason);
    if (parent?.aborted) onAbort();
    else parent?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.collect(request, controller.signal, undefined);
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof ProviderError)) throw abortError(controller.signal);
      throw error;
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Hand the parts of one request to `take`, in order, until it returns true (the fold is done: stop reading).
   * Defaults to reading {@link parts}; an adapter may feed its parts directly (no async-generator layers: the
   * generate hot path), with the same parts and errors.
   */
  protected async feed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
    timeoutMs: number | undefined,
    take: (part: StreamPart) => boolean,
  ): Promise<void> {
    for await (const item of this.parts(request, signal, raw, timeoutMs)) {
      if (isBatch(item)) {
        for (const part of item) if (take(part)) return;
      } else if (take(item)) return;
    }
  }

  /** The parts of one request folded into a Trace. */
  private async collect(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<Trace> {
    const raw: RawExtras = {};
    const fold = new TraceFold();
    await this.feed(request, signal, raw, timeoutMs, (part) => {
      fold.push(part);
      return fold.done;
    });
    // An `error` part throws the fold's ModelError; a stream that just stopped is a truncated reply.
    if (!fold.done) throw new ProviderError('truncated', 'The stream ended without a finish reason');
    return fold.trace(raw);
  }

  /** The adapter's parts, with the fold's measured timing on `finish` and the port contract checked. */
  private async *timed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const fold = new TraceFold();
    for await (const item of this.parts(request, signal, raw))
      for (const part of isBatch(item) ? item : [item]) {
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

function isBatch(item: PartOrBatch): item is readonly StreamPart[] {
  return Array.isArray(item);
}
