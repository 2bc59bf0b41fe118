import type { Dispatcher } from 'undici';
import { onAbort } from '../../core/abort-listeners.ts';
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
}

function plainHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
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
 */
class ChatCallHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: Error | undefined;
  private status = 0;
  private headers: Dispatcher.ResponseData['headers'] = {};
  private text = '';
  private settled = false;
  private stream: BatchStream<unknown[]> | undefined;
  private sse: SseDataReader | undefined;
  private done = false;
  private readonly decoder = new Utf8Chunks();
  private readonly datas: string[] = [];
  private readonly stopWaiting: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: ChatCall,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    const { signal } = call;
    this.stopWaiting = signal
      ? onAbort(signal, () => this.stop((signal.reason as Error | undefined) ?? new Error('aborted')))
      : undefined;
    this.timer =
      call.timeoutMs !== undefined
        ? setTimeout(() => this.stop(new ProviderError('timeout', 'The request timed out')), call.timeoutMs)
        : undefined;
  }

  private abort(reason: Error): void {
    this.abortReason ??= reason;
    this.controller?.abort(reason);
  }

  private cleanup(): void {
    this.stopWaiting?.();
    if (this.timer) clearTimeout(this.timer);
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

  private onSseText(chunk: string): void {
    const { datas } = this;
    const stream = this.stream!;
    this.sse!.push(chunk, datas);
    if (datas.length === 0) return;
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
        datas.length = 0;
        if (batch.length > 0) stream.push(batch); // what came before still reaches the reader
        this.stop(error);
        return;
      }
      const err = (value as { error?: { message?: string } } | null)?.error;
      if (err) {
        datas.length = 0;
        if (batch.length > 0) stream.push(batch);
        this.stop(
          new ProviderError(
            'server',
            `Provider error in stream: ${err.message ?? JSON.stringify(err)}`.slice(0, 500),
          ),
        );
        return;
      }
      batch.push(value);
    }
    datas.length = 0;
    if (batch.length > 0) stream.push(batch);
    if (this.done) {
      this.cleanup();
      stream.end();
    }
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.abortReason) c.abort(this.abortReason);
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    responseHeaders: Dispatcher.ResponseData['headers'],
  ): void {
    this.status = statusCode;
    this.headers = responseHeaders;
    if (statusCode < 400 && this.call.stream) {
      this.sse = new SseDataReader();
      this.stream = new BatchStream<unknown[]>(() => {
        this.cleanup();
        this.abort(new Error('The reader stopped before the end of the stream'));
      });
      this.settled = true;
      this.resolve(this.stream);
    }
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sse) {
      if (!this.done && !this.stream!.closed) this.onSseText(this.decoder.write(chunk));
    } else this.text += this.decoder.write(chunk);
  }

  onResponseEnd(): void {
    if (this.sse) {
      if (!this.done && !this.stream!.closed) this.onSseText(this.decoder.end());
      this.cleanup();
      this.stream!.end();
      return;
    }
    this.text += this.decoder.end();
    this.cleanup();
    if (this.settled) return;
    this.settled = true;
    if (this.status >= 400) {
      this.reject(statusError(this.status, plainHeaders(this.headers), this.text));
      return;
    }
    try {
      this.resolve(JSON.parse(this.text));
    } catch (error) {
      this.reject(error);
    }
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
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
 * ProviderError). Per request this costs a timer and a Set entry on the signal, never an AbortController.
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
