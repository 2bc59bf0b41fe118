import type { ChatRequest } from '../../core/chat-model.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { StreamPartWriter } from '../../core/stream-part-writer.ts';
import { type ThinkingEnd, ThinkingEndSchema } from '../../core/trace.ts';
import { BaseTeacher, type PartOrBatch, type RawExtras } from '../base-teacher.ts';
import { InlineThinkSplitter } from '../inline-think.ts';
import { abortError } from '../provider-errors.ts';
import { samplingFields } from '../sampling-fields.ts';
import type { TeacherInfo } from '../teacher.ts';
import { DetailsAccumulator, detailsText, mapFinishReason } from './reasoning.ts';
import { type ChatChunk, ChatCompletionSchema, parseChatChunk } from './schemas.ts';
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
    const stream = this.options.stream ?? true;
    const body: Record<string, unknown> = {
      model: await this.resolveModel(signal),
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(request.maxTokens ? { [this.options.maxTokensField ?? 'max_tokens']: request.maxTokens } : {}),
      ...samplingFields(request),
      ...(this.options.extraBody?.(request) ?? {}),
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    };
    const transport = await this.client();
    let response: unknown;
    try {
      response = await transport.create(body, stream, signal, timeoutMs);
    } catch (error) {
      throw this.mapError(error, signal);
    }
    if (stream) yield* this.fromStream(response as AsyncIterable<readonly unknown[]>, signal, raw);
    else yield* this.fromCompletion(response, raw);
  }

  private async *fromStream(
    batches: AsyncIterable<readonly unknown[]>,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<PartOrBatch> {
    const writer = new StreamPartWriter();
    let inline: InlineThinkSplitter | undefined;
    const details = new DetailsAccumulator();
    let reasoningField: string | undefined;
    let finishReason: string | undefined;
    let thinkingEnd: ThinkingEnd | undefined;
    let usage: ChatChunk['usage'];
    let contentSeen = false;
    try {
      for await (const batch of batches) {
        // The parts of every chunk of one read go out together (one async step per read, not per part).
        const out: StreamPart[] = [];
        for (const value of batch) {
          const parsed = parseChatChunk(value);
          if (!parsed.success)
            throw new ProviderError(
              'malformed',
              `Unexpected chunk shape: ${parsed.error.issues[0]?.message ?? ''}`,
            );
          const chunk = parsed.data;
          if (chunk.usage) usage = chunk.usage;
          if (chunk.system_fingerprint) raw.systemFingerprint = chunk.system_fingerprint;
          if (chunk.model) raw.model = chunk.model;
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          const delta = choice.delta;
          if (delta) {
            if (delta.reasoning_details) details.add(delta.reasoning_details);
            const r = delta.reasoning_content ?? delta.reasoning ?? detailsText(delta.reasoning_details);
            if (r) {
              reasoningField ??=
                delta.reasoning_content != null
                  ? 'reasoning_content'
                  : delta.reasoning != null
                    ? 'reasoning'
                    : 'reasoning_details';
              push(out, writer.reasoning(r));
            }
            if (delta.content) {
              contentSeen = true;
              // After a reasoning field, content is answer (stray tags are still dropped); else thinking is inline.
              inline ??= new InlineThinkSplitter(
                reasoningField ? 'answer' : (this.options.inlineThinkStart ?? 'auto'),
              );
              push(out, writer.segments(inline.push(delta.content)));
            }
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
          if (choice.thinking_end != null)
            thinkingEnd = reportedThinkingEnd(choice.thinking_end) ?? thinkingEnd;
        }
        if (out.length > 0) yield out;
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    if (signal?.aborted) throw abortError(signal);
    inline ??= new InlineThinkSplitter('answer');
    const out = writer.segments(inline.end());
    this.keepExtras(raw, reasoningField, details, inline, contentSeen, usage);
    if (!finishReason) {
      if (out.length > 0) yield out;
      throw new ProviderError('truncated', 'The stream ended before a finish_reason');
    }
    push(
      out,
      writer.finish(
        mapFinishReason(finishReason),
        writer.usage({
          input: usage?.prompt_tokens,
          completion: usage?.completion_tokens,
          reasoning: usage?.completion_tokens_details?.reasoning_tokens,
        }),
        thinkingEnd ? { thinkingEnd } : {},
      ),
    );
    yield out;
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
    this.keepExtras(raw, reasoningField, details, inline, content.length > 0, usage);
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

  private keepExtras(
    raw: RawExtras,
    reasoningField: string | undefined,
    details: DetailsAccumulator,
    inline: InlineThinkSplitter,
    contentSeen: boolean,
    usage: unknown,
  ): void {
    const s = inline.stats;
    const inlineUsed = contentSeen && (s.missingOpenTag || s.cutMidTag || s.strayCloseTags > 0);
    raw.reasoningField = reasoningField ?? (contentSeen ? 'inline' : 'none');
    if (details.size > 0) raw.reasoningDetails = details.toJSON();
    if (inlineUsed) raw.inlineThink = { ...s };
    if (usage) raw.usage = usage;
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

/** Append `parts` to `out` (no spread of a fresh array per chunk). */
function push(out: StreamPart[], parts: readonly StreamPart[]): void {
  for (const p of parts) out.push(p);
}

/** A server's own word on how thinking ended (a Distill server's `thinking_end`); unknown values are ignored. */
function reportedThinkingEnd(value: string | null | undefined): ThinkingEnd | undefined {
  const parsed = ThinkingEndSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
