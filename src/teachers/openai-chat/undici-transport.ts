import { Agent, type Dispatcher, request } from 'undici';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { abortError, toProviderError } from '../provider-errors.ts';
import type { ChatTransport, TransportOptions } from './transport.ts';
import { type ChatCall, chatCall, statusError } from './undici-chat-call.ts';

/** One keep-alive connection pool per process for local OpenAI-compatible servers. */
let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  return sharedAgent;
}

/**
 * A lean HTTP transport on undici's low-level `dispatch` for local OpenAI-compatible servers (vLLM, SGLang,
 * llama-server, LM Studio, distill serve), where client overhead is a real share of the time: the SSE reply is
 * parsed as it arrives ({@link chatCall}). Same wire format and error mapping as {@link OpenAITransport}; see
 * bench/generate.ts.
 */
export class UndiciTransport implements ChatTransport {
  private readonly headers: Record<string, string>;
  private readonly query: string;
  /** Origin and path of POST /chat/completions (parsed on first use, inside the request's error mapping). */
  private target: { origin: string; path: string } | undefined;

  constructor(private readonly options: TransportOptions) {
    this.headers = {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.headers,
    };
    const q = new URLSearchParams(options.query ?? {}).toString();
    this.query = q ? `?${q}` : '';
  }

  /** Not `async`: the call's own promise is returned as it is (no wrapper promise per request). */
  create(
    body: Record<string, unknown>,
    stream: boolean,
    signal: AbortSignal | undefined,
    timeoutMs?: number,
  ): Promise<unknown> {
    return this.call(body, stream, signal, timeoutMs, undefined);
  }

  /** A streamed reply's objects straight into `sink` as they are parsed (the generate engine's path). */
  feed(
    body: Record<string, unknown>,
    sink: (value: unknown) => boolean,
    signal: AbortSignal | undefined,
    timeoutMs?: number,
  ): Promise<void> {
    return this.call(body, true, signal, timeoutMs, sink) as Promise<void>;
  }

  private call(
    body: Record<string, unknown>,
    stream: boolean,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    sink: ((value: unknown) => boolean) | undefined,
  ): Promise<unknown> {
    if (!this.target) {
      const chat = new URL(`${this.options.baseUrl}/chat/completions${this.query}`);
      this.target = { origin: chat.origin, path: `${chat.pathname}${chat.search}` };
    }
    const call: ChatCall = {
      dispatcher: agent(),
      origin: this.target.origin,
      path: this.target.path,
      headers: this.headers,
      body: JSON.stringify(body),
      stream,
      signal,
    };
    if (timeoutMs !== undefined) call.timeoutMs = timeoutMs;
    if (sink) call.sink = sink;
    return chatCall(call);
  }

  async firstModel(signal: AbortSignal | undefined): Promise<string | undefined> {
    const res = await request(`${this.options.baseUrl}/models${this.query}`, {
      headers: this.headers,
      dispatcher: agent(),
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode >= 400) throw await this.statusError(res);
    const json = (await res.body.json()) as { data?: Array<{ id?: string }> };
    return json.data?.[0]?.id;
  }

  mapError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    if (error instanceof ProviderError) return error;
    if (signal?.aborted) return abortError(signal);
    return toProviderError(error, signal);
  }

  private async statusError(res: Dispatcher.ResponseData): Promise<ProviderError> {
    const text = await res.body.text().catch(() => '');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return statusError(res.statusCode, headers, text);
  }
}
