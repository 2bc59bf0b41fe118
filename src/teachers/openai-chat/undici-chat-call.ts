import type { Dispatcher } from 'undici';
import { type AbortListener, listenAbort, unlistenAbort } from '../../core/abort-listeners.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { httpError } from '../provider-errors.ts';
import { BatchStream } from './batch-stream.ts';
import { SseDataReader } from './sse-data-reader.ts';
import { Utf8Chunks } from './utf8-chunks.ts';

/** Where one POST goes and what it carries. */
export interface ChatCall {
  dispatcher: Dispatcher;
  origin: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** SSE reply (a stream of batches of parsed `data` objects) or one JSON body. */
  stream: boolean;
  signal: AbortSignal | undefined;
  /** Abort after this many ms with a `timeout` ProviderError. Defaults to no limit. */
  timeoutMs?: number;
  /**
   * For a streamed reply: take each SSE `data` object as it is parsed, synchronously, instead of a BatchStream
   * (return true to stop reading; a throw fails the call with that error). The call then resolves when the stream
   * ends. Defaults to none.
   */
  sink?: (value: unknown) => boolean;
}

/** undici's raw response headers (name, value, name, value, …) as lower-case names; repeated ones joined. */
function plainHeaders(raw: readonly Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    out[name] = Object.hasOwn(out, name) ? `${out[name]}, ${value}` : value;
  }
  return out;
}

/** The ProviderError of an HTTP error status, with the server's own message when its body is the usual JSON. */
export function statusError(status: number, headers: Record<string, string>, text: string): ProviderError {
  let message = text.slice(0, 300);
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = (typeof json.error === 'string' ? json.error : json.error?.message) ?? json.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return httpError(status, message, headers, text);
}

/**
 * The state of one {@link chatCall}: the undici handler and the promise's settlement. A class, not closures: a
 * module run through tsx names every `const f = () => …` with a `defineProperty` call each time it is created,
 * which cost ~8 µs per request here (bench/generate).
 *
 * It implements the handler methods undici's HTTP/1.1 client calls itself (`onConnect`, `onHeaders`, `onData`,
 * `onComplete`, `onError`; typed deprecated since undici 7): a handler of the newer controller API is adapted to
 * them per request by undici's UnwrapHandler (a controller object, every header parsed into an object), which
 * measured ~20 µs a request more on a local server (bench/generate). Headers are parsed only for an error status.
 * The handler tests in undici-chat-call.test.ts pin this behaviour for an undici upgrade.
 */
class ChatCallHandler implements Dispatcher.DispatchHandler, AbortListener {
  abortPrev: AbortListener | undefined = undefined;
  abortNext: AbortListener | undefined = undefined;
  private abortRequest: ((reason?: Error) => void) | undefined;
  private abortReason: Error | undefined;
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private text = '';
  private settled = false;
  private stream: BatchStream<unknown[]> | undefined;
  private sse: SseDataReader | undefined;
  private done = false;
  private readonly decoder = new Utf8Chunks();
  private readonly datas: string[] = [];
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: ChatCall,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    if (call.signal) listenAbort(call.signal, this);
    this.timer =
      call.timeoutMs !== undefined
        ? setTimeout(() => this.stop(new ProviderError('timeout', 'The request timed out')), call.timeoutMs)
        : undefined;
  }

  private abort(reason: Error): void {
    const first = this.abortReason === undefined;
    this.abortReason ??= reason;
    if (first) this.abortRequest?.(reason);
  }

  private cleanup(): void {
    if (this.call.signal) unlistenAbort(this.call.signal, this);
    if (this.timer) clearTimeout(this.timer);
  }

  onSignalAbort(reason: unknown): void {
    this.stop((reason as Error | undefined) ?? new Error('aborted'));
  }

  /** A sink call's stream is over (its end, `[DONE]`, or the sink stopped): resolve once. */
  private settleSink(): void {
    this.cleanup();
    if (this.settled) return;
    this.settled = true;
    this.resolve(undefined);
  }

  private fail(error: unknown): void {
    this.cleanup();
    if (this.stream) this.stream.fail(error);
    else if (!this.settled) {
      this.settled = true;
      this.reject(error);
    }
  }

  /** Fail with `error` and stop reading the body (the connection is closed). */
  private stop(error: unknown): void {
    this.fail(error);
    this.abort(error instanceof Error ? error : new Error(String(error)));
  }

  /** True while the reply is still read: not done, not failed, its reader (stream or sink) still taking. */
  private reading(): boolean {
    return !this.done && (this.stream ? !this.stream.closed : !this.settled);
  }

  private onSseText(chunk: string): void {
    const { datas } = this;
    this.sse!.push(chunk, datas);
    if (datas.length === 0) return;
    const sink = this.call.sink;
    const batch: unknown[] = [];
    for (let i = 0; i < datas.length; i++) {
      const data = datas[i]!;
      if (data === '[DONE]') {
        this.done = true;
        break;
      }
      if (data === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch (error) {
        this.failRead(batch, error);
        return;
      }
      const err = (value as { error?: { message?: string } } | null)?.error;
      if (err) {
        this.failRead(
          batch,
          new ProviderError(
            'server',
            `Provider error in stream: ${err.message ?? JSON.stringify(err)}`.slice(0, 500),
          ),
        );
        return;
      }
      if (!sink) {
        batch.push(value);
        continue;
      }
      let stop: boolean;
      try {
        stop = sink(value);
      } catch (error) {
        this.failRead(batch, error);
        return;
      }
      if (stop) {
        datas.length = 0;
        this.settleSink();
        this.abort(new Error('The reader stopped before the end of the stream'));
        return;
      }
    }
    datas.length = 0;
    if (batch.length > 0) this.stream!.push(batch);
    if (!this.done) return;
    if (sink) this.settleSink();
    else {
      this.cleanup();
      this.stream!.end();
    }
  }

  /** Reading failed with `error`: what came before still reaches a stream's reader, then the error. */
  private failRead(batch: unknown[], error: unknown): void {
    this.datas.length = 0;
    if (batch.length > 0) this.stream!.push(batch);
    this.stop(error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.abortReason) abort(this.abortReason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // informational (103 Early Hints): the final status follows
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    if (statusCode < 400 && this.call.stream) {
      this.sse = new SseDataReader();
      if (this.call.sink) return true; // the call resolves at the end of the stream
      this.stream = new BatchStream<unknown[]>(() => {
        this.cleanup();
        this.abort(new Error('The reader stopped before the end of the stream'));
      });
      this.settled = true;
      this.resolve(this.stream);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.sse) {
      if (this.reading()) this.onSseText(this.decoder.write(chunk));
    } else this.text += this.decoder.write(chunk);
    return true;
  }

  onComplete(): void {
    if (this.sse) {
      if (this.reading()) this.onSseText(this.decoder.end());
      if (this.call.sink) this.settleSink();
      else {
        this.cleanup();
        this.stream!.end();
      }
      return;
    }
    this.text += this.decoder.end();
    this.cleanup();
    if (this.settled) return;
    this.settled = true;
    if (this.status >= 400) {
      this.reject(statusError(this.status, plainHeaders(this.rawHeaders), this.text));
      return;
    }
    try {
      this.resolve(JSON.parse(this.text));
    } catch (error) {
      this.reject(error);
    }
  }

  onError(error: Error): void {
    this.fail(error);
  }
}

/**
 * One chat-completions POST on undici's low-level `dispatch`, parsed as it arrives: no Readable body stream, no
 * async step per read. A streamed 2xx reply resolves at its headers to a {@link BatchStream} of the SSE `data`
 * objects each network read completed, until `[DONE]` (the rest of the body is read and dropped, so the keep-alive
 * connection is reused); an `error` object in the stream fails it after the batches before it. A JSON reply
 * resolves to the parsed body; an error status rejects with its ProviderError; aborting `signal` aborts the request
 * (the promise or the stream rejects with the signal's reason), and so does `timeoutMs` (with a `timeout`
 * ProviderError). Per request this costs a timer and a link in the signal's listener list, never an
 * AbortController. With a `sink`, a streamed reply's objects go to it as they are parsed and the promise resolves at
 * the end of the stream (no BatchStream, no async step per read: the generate engine's path).
 */
export function chatCall(call: ChatCall): Promise<BatchStream<unknown[]> | unknown> {
  const { signal } = call;
  if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
  return new Promise((resolve, reject) => {
    call.dispatcher.dispatch(
      { origin: call.origin, path: call.path, method: 'POST', headers: call.headers, body: call.body },
      new ChatCallHandler(call, resolve, reject),
    );
  });
}
