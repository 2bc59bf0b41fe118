import OpenAI from 'openai';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { abortError, httpError, toProviderError } from '../provider-errors.ts';
import type { ChatTransport, TransportOptions } from './transport.ts';

/** The `openai` client (HTTP, SSE, error types), without its retries: the engine retries. */
export class OpenAITransport implements ChatTransport {
  private readonly client: OpenAI;

  constructor(options: TransportOptions & { fetch?: typeof fetch }) {
    this.client = new OpenAI({
      apiKey: options.apiKey ?? 'no-key',
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: 3_600_000,
      logLevel: 'off',
      ...(options.headers ? { defaultHeaders: options.headers } : {}),
      ...(options.query ? { defaultQuery: options.query } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async create(
    body: Record<string, unknown>,
    stream: boolean,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const response: unknown = await this.client.chat.completions.create(
      body as never,
      signal ? { signal } : {},
    );
    return stream ? singles(response as AsyncIterable<unknown>) : response;
  }

  async firstModel(signal: AbortSignal | undefined): Promise<string | undefined> {
    const page = await this.client.models.list(signal ? { signal } : {});
    return page.data[0]?.id;
  }

  mapError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    if (error instanceof ProviderError) return error;
    if (signal?.aborted) return abortError(signal);
    if (error instanceof OpenAI.APIError && error.status !== undefined)
      return httpError(error.status, error.message, error.headers, error.error);
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return new ProviderError('timeout', 'The request timed out');
    if (error instanceof OpenAI.APIConnectionError) return toProviderError(error.cause ?? error, signal);
    if (error instanceof OpenAI.APIError) {
      // An error object sent inside the stream (OpenRouter, vLLM): the server failed mid-reply.
      return new ProviderError('server', `Provider error in stream: ${error.message}`.slice(0, 500));
    }
    return toProviderError(error, signal);
  }
}

/** The client's chunks, one per batch. */
async function* singles(chunks: AsyncIterable<unknown>): AsyncIterable<readonly unknown[]> {
  for await (const chunk of chunks) yield [chunk];
}
