import type { ChatRequest } from '../../core/chat-model.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { StreamPartWriter } from '../../core/stream-part-writer.ts';
import { BaseTeacher, type PartOrBatch, type RawExtras } from '../base-teacher.ts';
import { InlineThinkSplitter } from '../inline-think.ts';
import { abortError } from '../provider-errors.ts';
import { addSamplingFields } from '../sampling-fields.ts';
import type { TeacherInfo } from '../teacher.ts';
import { ChatChunkReader, keepExtras, reportedThinkingEnd } from './chat-chunk-reader.ts';
import { DetailsAccumulator, detailsText, mapFinishReason } from './reasoning.ts';
import { ChatCompletionSchema } from './schemas.ts';
import type { ChatTransport, TransportOptions } from './transport.ts';

export interface OpenAIChatTeacherOptions {
  info: TeacherInfo;
  baseUrl: string;
  /** Sent as `Authorization: Bearer`. Defaults to a placeholder for local servers that need none. */
  apiKey?: string;
  /** Extra headers (Azure `api-key`, OpenRouter attribution). Defaults to none. */
  headers?: Record<string, string>;
  /** Query parameters on every request (Azure `api-version`). Defaults to none. */
  query?: Record<string, string>;
  /** Stream the reply (SSE). Defaults to true. */
  stream?: boolean;
  /** Provider-specific body fields for a request (thinking switches). Defaults to none. */
  extraBody?: (request: ChatRequest) => Record<string, unknown>;
  /** `max_tokens` (most servers) or `max_completion_tokens` (OpenAI o-series). Defaults to `max_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Where inline `<think>` content starts when no reasoning field is used. Defaults to `auto`. */
  inlineThinkStart?: 'auto' | 'thinking' | 'answer';
  /**
   * HTTP client: `openai` (the openai package) or `undici` (lean, for local high-throughput servers).
   * Defaults to `openai`.
   */
  transport?: 'openai' | 'undici';
  /** fetch implementation for the `openai` transport. Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Every OpenAI Chat Completions dialect: DeepSeek, Azure AI Foundry, OpenRouter, OpenAI, and OpenAI-compatible
 * servers (vLLM, SGLang, llama-server, LM Studio, Ollama /v1, distill serve). A transport (the `openai` client,
 * or undici for local servers) does the HTTP and SSE; the reasoning fields it does not type (`reasoning_content`, `reasoning`, `reasoning_details`, inline
 * `<think>`) are read here from the raw chunks, validated with zod.
 */
export class OpenAIChatTeacher extends BaseTeacher {
  readonly info: TeacherInfo;
  private transport: ChatTransport | undefined;
  private model: string;

  constructor(private readonly options: OpenAIChatTeacherOptions) {
    super();
    this.info = options.info;
    this.model = options.info.modelId;
  }

  /** The HTTP client it uses: `undici` or `openai`. */
  get transportName(): 'openai' | 'undici' {
    return this.options.transport ?? 'openai';
  }

  /** The HTTP client, loaded on first use (keeps CLI start-up light: only the needed client is imported). */
  private async client(): Promise<ChatTransport> {
    if (this.transport) return this.transport;
    const o = this.options;
    const t: TransportOptions = {
      baseUrl: o.baseUrl,
      ...(o.apiKey ? { apiKey: o.apiKey } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.query ? { query: o.query } : {}),
    };
    if (o.transport === 'undici') {
      const { UndiciTransport } = await import('./undici-transport.ts');
      this.transport = new UndiciTransport(t);
    } else {
      const { OpenAITransport } = await import('./openai-transport.ts');
      this.transport = new OpenAITransport({ ...t, ...(o.fetch ? { fetch: o.fetch } : {}) });
    }
    return this.transport;
  }

  /** The undici transport times requests out itself (its timer aborts the dispatch; no AbortController). */
  protected override timesOutItself(): boolean {
    return this.options.transport === 'undici';
  }

  protected async *parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
    timeoutMs?: number,
  ): AsyncIterable<PartOrBatch> {
    const response = await this.send(request, signal, timeoutMs);
    if (!(this.options.stream ?? true)) {
      yield* this.fromCompletion(response, raw);
      return;
    }
    const reader = new ChatChunkReader(raw, this.options.inlineThinkStart ?? 'auto');
    try {
      for await (const batch of response as AsyncIterable<readonly unknown[]>) {
        // The parts of every chunk of one read go out together (one async step per read, not per part).
        const out: StreamPart[] = [];
        for (const value of batch) reader.read(value, out);
        if (out.length > 0) yield out;
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    if (signal?.aborted) throw abortError(signal);
    const out: StreamPart[] = [];
    const finished = reader.end(out);
    if (out.length > 0) yield out;
    if (!finished) throw new ProviderError('truncated', 'The stream ended before a finish_reason');
  }

  /**
   * `generate`'s path for a streamed reply: the same reader as {@link parts}, its parts handed straight to the
   * fold — from inside the transport's read when it can ({@link ChatTransport.feed}: no async step per read), else
   * per batch (no async-generator layers between the transport and the fold, which cost as much as the parsing on
   * a fast local server).
   */
  protected override async feed(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
    timeoutMs: number | undefined,
    take: (part: StreamPart) => boolean,
  ): Promise<void> {
    if (!(this.options.stream ?? true)) return super.feed(request, signal, raw, timeoutMs, take);
    const body = this.body(request, this.model || (await this.resolveModel(signal)), true);
    const transport = this.transport ?? (await this.client());
    const reader = new ChatChunkReader(raw, this.options.inlineThinkStart ?? 'auto');
    const out: StreamPart[] = [];
    let stopped = false;
    try {
      if (transport.feed) {
        await transport.feed(
          body,
          (value) => {
            reader.read(value, out);
            for (const part of out)
              if (take(part)) {
                stopped = true;
                break;
              }
            out.length = 0;
            return stopped;
          },
          signal,
          timeoutMs,
        );
        if (stopped) return;
      } else {
        const response = await transport.create(body, true, signal, timeoutMs);
        for await (const batch of response as AsyncIterable<readonly unknown[]>) {
          for (const value of batch) reader.read(value, out);
          for (const part of out) if (take(part)) return;
          out.length = 0;
        }
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    if (signal?.aborted) throw abortError(signal);
    const finished = reader.end(out);
    for (const part of out) if (take(part)) return;
    if (!finished) throw new ProviderError('truncated', 'The stream ended before a finish_reason');
  }

  /** POST the request: an iterable of batches of chunks (streaming) or the JSON body. Throws ProviderErrors. */
  private async send(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<unknown> {
    const stream = this.options.stream ?? true;
    // Known model and loaded client (every request but the first): no await for either.
    const body = this.body(request, this.model || (await this.resolveModel(signal)), stream);
    const transport = this.transport ?? (await this.client());
    try {
      return await transport.create(body, stream, signal, timeoutMs);
    } catch (error) {
      throw this.mapError(error, signal);
    }
  }

  /** The request body. Assigned key by key (the keys in the order spreading each part gave; this runs per request). */
  private body(request: ChatRequest, model: string, stream: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (request.maxTokens) body[this.options.maxTokensField ?? 'max_tokens'] = request.maxTokens;
    addSamplingFields(body, request);
    if (this.options.extraBody) Object.assign(body, this.options.extraBody(request));
    body.stream = stream;
    if (stream) body.stream_options = { include_usage: true };
    return body;
  }

  private *fromCompletion(value: unknown, raw: RawExtras): Iterable<StreamPart> {
    const parsed = ChatCompletionSchema.safeParse(value);
    if (!parsed.success)
      throw new ProviderError(
        'malformed',
        `Unexpected response shape: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const { choices, usage, model, system_fingerprint } = parsed.data;
    const choice = choices[0]!;
    const m = choice.message;
    if (model) raw.model = model;
    if (system_fingerprint) raw.systemFingerprint = system_fingerprint;
    const writer = new StreamPartWriter();
    const details = new DetailsAccumulator();
    details.add(m.reasoning_details);
    const reasoning = m.reasoning_content ?? m.reasoning ?? detailsText(m.reasoning_details);
    const reasoningField = reasoning
      ? m.reasoning_content != null
        ? 'reasoning_content'
        : m.reasoning != null
          ? 'reasoning'
          : 'reasoning_details'
      : undefined;
    yield* writer.reasoning(reasoning);
    const inline = new InlineThinkSplitter(
      reasoningField ? 'answer' : (this.options.inlineThinkStart ?? 'auto'),
    );
    const content = m.content ?? '';
    yield* writer.segments([...inline.push(content), ...inline.end()]);
    keepExtras(raw, reasoningField, details, inline, content.length > 0, usage);
    if (!choice.finish_reason) throw new ProviderError('truncated', 'The response has no finish_reason');
    yield* writer.finish(
      mapFinishReason(choice.finish_reason),
      writer.usage({
        input: usage?.prompt_tokens,
        completion: usage?.completion_tokens,
        reasoning: usage?.completion_tokens_details?.reasoning_tokens,
      }),
      ((end) => (end ? { thinkingEnd: end } : {}))(reportedThinkingEnd(choice.thinking_end)),
    );
  }

  private async resolveModel(signal: AbortSignal | undefined): Promise<string> {
    if (this.model) return this.model;
    try {
      const first = await (await this.client()).firstModel(signal);
      if (!first)
        throw new ProviderError('bad-request', 'The server lists no models', {
          hint: 'name one with #MODEL',
        });
      this.model = first;
      return first;
    } catch (error) {
      throw this.mapError(error, signal);
    }
  }

  private mapError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    if (!this.transport)
      return error instanceof ProviderError ? error : new ProviderError('network', String(error));
    return this.transport.mapError(error, signal);
  }
}
