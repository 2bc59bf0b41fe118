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
    let controller: Dispatcher.DispatchController | undefined;
    let abortReason: Error | undefined;
    let status = 0;
    let headers: Dispatcher.ResponseData['headers'] = {};
    let text = '';
    let settled = false;
    let stream: BatchStream<unknown[]> | undefined;
    let sse: SseDataReader | undefined;
    let done = false;
    const decoder = new Utf8Chunks();
    const datas: string[] = [];

    const abort = (reason: Error) => {
      abortReason ??= reason;
      controller?.abort(reason);
    };
    const stopWaiting = signal
      ? onAbort(signal, () => stop((signal.reason as Error | undefined) ?? new Error('aborted')))
      : undefined;
    const timer =
      call.timeoutMs !== undefined
        ? setTimeout(() => stop(new ProviderError('timeout', 'The request timed out')), call.timeoutMs)
        : undefined;
    const cleanup = () => {
      stopWaiting?.();
      if (timer) clearTimeout(timer);
    };
    const fail = (error: unknown) => {
      cleanup();
      if (stream) stream.fail(error);
      else if (!settled) {
        settled = true;
        reject(error);
      }
    };
    /** Fail with `error` and stop reading the body (the connection is closed). */
    const stop = (error: unknown) => {
      fail(error);
      abort(error instanceof Error ? error : new Error(String(error)));
    };

    const onSseText = (chunk: string) => {
      sse!.push(chunk, datas);
      if (datas.length === 0) return;
      const batch: unknown[] = [];
      for (let i = 0; i < datas.length; i++) {
        const data = datas[i]!;
        if (data === '[DONE]') {
          done = true;
          break;
        }
        if (data === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(data);
        } catch (error) {
          datas.length = 0;
          if (batch.length > 0) stream!.push(batch); // what came before still reaches the reader
          stop(error);
          return;
        }
        const err = (value as { error?: { message?: string } } | null)?.error;
        if (err) {
          datas.length = 0;
          if (batch.length > 0) stream!.push(batch);
          stop(
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
      if (batch.length > 0) stream!.push(batch);
      if (done) {
        cleanup();
        stream!.end();
      }
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (abortReason) c.abort(abortReason);
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
        if (status < 400 && call.stream) {
          sse = new SseDataReader();
          stream = new BatchStream<unknown[]>(() => {
            cleanup();
            abort(new Error('The reader stopped before the end of the stream'));
          });
          settled = true;
          resolve(stream);
        }
      },
      onResponseData(_c, chunk) {
        if (sse) {
          if (!done && !stream!.closed) onSseText(decoder.write(chunk));
        } else text += decoder.write(chunk);
      },
      onResponseEnd() {
        if (sse) {
          if (!done && !stream!.closed) onSseText(decoder.end());
          cleanup();
          stream!.end();
          return;
        }
        text += decoder.end();
        cleanup();
        if (settled) return;
        settled = true;
        if (status >= 400) {
          reject(statusError(status, plainHeaders(headers), text));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(error);
        }
      },
      onResponseError(_c, error) {
        fail(error);
      },
    };
    call.dispatcher.dispatch(
      { origin: call.origin, path: call.path, method: 'POST', headers: call.headers, body: call.body },
      handler,
    );
  });
}
