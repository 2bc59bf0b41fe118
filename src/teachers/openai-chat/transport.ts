import type { ProviderError } from '../../core/errors/provider-error.ts';

/** Where an OpenAI-chat request goes and how its reply comes back (parsed JSON values, not yet validated). */
export interface ChatTransport {
  /**
   * POST /chat/completions. Streaming: an iterable of batches of SSE `data` objects (until `[DONE]`), a batch being
   * what one network read completed; else the JSON body. `timeoutMs` is applied by a transport that can (undici:
   * a `timeout` ProviderError) and ignored by the others (the teacher times those out with a signal).
   */
  create(
    body: Record<string, unknown>,
    stream: boolean,
    signal: AbortSignal | undefined,
    timeoutMs?: number,
  ): Promise<AsyncIterable<readonly unknown[]> | unknown>;

  /**
   * POST a streamed /chat/completions and hand each SSE `data` object to `sink` as it is parsed, synchronously
   * (true: stop reading); resolves at the end of the stream. Optional: a transport without it is read through
   * {@link create}'s batches.
   */
  feed?(
    body: Record<string, unknown>,
    sink: (value: unknown) => boolean,
    signal: AbortSignal | undefined,
    timeoutMs?: number,
  ): Promise<void>;

  /** GET /models: the first model id (servers that serve one model). */
  firstModel(signal: AbortSignal | undefined): Promise<string | undefined>;
  /** Turn anything the transport threw into a ProviderError. */
  mapError(error: unknown, signal: AbortSignal | undefined): ProviderError;
}

export interface TransportOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer`. Defaults to none. */
  apiKey?: string;
  /** Extra headers. Defaults to none. */
  headers?: Record<string, string>;
  /** Query parameters on every request. Defaults to none. */
  query?: Record<string, string>;
}
