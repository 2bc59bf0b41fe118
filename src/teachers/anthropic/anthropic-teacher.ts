import { createAnthropic } from '@ai-sdk/anthropic';
import { APICallError } from 'ai';
import type { ChatRequest } from '../../core/chat-model.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { StreamPartWriter } from '../../core/stream-part-writer.ts';
import type { FinishReason } from '../../core/trace.ts';
import { BaseTeacher, type RawExtras } from '../base-teacher.ts';
import { abortError, httpError, toProviderError } from '../provider-errors.ts';
import type { TeacherInfo } from '../teacher.ts';

export interface AnthropicTeacherOptions {
  info: TeacherInfo;
  apiKey?: string;
  /** Defaults to `https://api.anthropic.com/v1`. */
  baseUrl?: string;
  /** Stream the reply. Defaults to true. */
  stream?: boolean;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

type ThinkingBlock =
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string };

interface AnthropicMeta {
  anthropic?: { signature?: string; redactedData?: string };
}

const DEFAULT_MAX_TOKENS = 16_000;

/**
 * Anthropic Messages with extended thinking, through `@ai-sdk/anthropic` (its LanguageModelV3 `doStream` /
 * `doGenerate`, without the SDK's retries: the engine retries). Thinking blocks are returned with their
 * signatures (and redacted blocks with their data) in `Trace.raw.thinkingBlocks`, unchanged.
 */
export class AnthropicTeacher extends BaseTeacher {
  readonly info: TeacherInfo;
  private readonly model;

  constructor(private readonly options: AnthropicTeacherOptions) {
    super();
    this.info = options.info;
    const provider = createAnthropic({
      ...(options.apiKey ? { apiKey: options.apiKey } : { apiKey: 'no-key' }),
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.model = provider.messages(options.info.modelId);
  }

  protected async *parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n');
    const total = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    const thinking = request.thinking?.enabled !== false;
    const budget = request.thinking?.budgetTokens ?? Math.max(1024, Math.floor(total * 0.75));
    const call = {
      prompt: [
        ...(system ? [{ role: 'system' as const, content: system }] : []),
        ...request.messages
          .filter((m) => m.role !== 'system')
          .map((m) => ({
            role: m.role as 'user' | 'assistant',
            content: [{ type: 'text' as const, text: m.content }],
          })),
      ],
      maxOutputTokens: thinking ? Math.max(1, total - budget) : total,
      ...(!thinking && request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.stop?.length ? { stopSequences: request.stop } : {}),
      providerOptions: { anthropic: thinking ? { thinking: { type: 'enabled', budgetTokens: budget } } : {} },
      ...(signal ? { abortSignal: signal } : {}),
    };
    const writer = new StreamPartWriter();
    const blocks: ThinkingBlock[] = [];
    let current: ThinkingBlock | undefined;
    let finish: { reason: FinishReason; input?: number; output?: number; reasoning?: number } | undefined;
    try {
      if (this.options.stream === false) {
        const result = await this.model.doGenerate(call);
        for (const c of result.content) {
          if (c.type === 'reasoning') {
            const meta = (c.providerMetadata as AnthropicMeta | undefined)?.anthropic;
            if (meta?.redactedData) blocks.push({ type: 'redacted_thinking', data: meta.redactedData });
            else
              blocks.push({
                type: 'thinking',
                thinking: c.text,
                ...(meta?.signature ? { signature: meta.signature } : {}),
              });
            yield* writer.reasoning(c.text);
            yield* writer.close(meta?.signature);
          } else if (c.type === 'text') yield* writer.text(c.text);
        }
        finish = { reason: mapReason(result.finishReason), ...usageOf(result.usage) };
        if (result.response?.modelId) raw.model = result.response.modelId;
      } else {
        const { stream } = await this.model.doStream(call);
        for await (const part of stream as unknown as AsyncIterable<
          Record<string, unknown> & { type: string }
        >) {
          const meta = (part.providerMetadata as AnthropicMeta | undefined)?.anthropic;
          switch (part.type) {
            case 'response-metadata':
              if (typeof part.modelId === 'string') raw.model = part.modelId;
              break;
            case 'reasoning-start':
              current = meta?.redactedData
                ? { type: 'redacted_thinking', data: meta.redactedData }
                : { type: 'thinking', thinking: '' };
              blocks.push(current);
              break;
            case 'reasoning-delta':
              if (current?.type === 'thinking') {
                current.thinking += String(part.delta ?? '');
                if (meta?.signature) current.signature = meta.signature;
              }
              yield* writer.reasoning(String(part.delta ?? ''));
              break;
            case 'reasoning-end':
              yield* writer.close(current?.type === 'thinking' ? current.signature : undefined);
              current = undefined;
              break;
            case 'text-delta':
              yield* writer.text(String(part.delta ?? ''));
              break;
            case 'error':
              throw streamError(part.error);
            case 'finish':
              finish = {
                reason: mapReason(part.finishReason as never),
                ...usageOf(part.usage as never),
              };
              break;
            default:
              break;
          }
        }
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (signal?.aborted) throw abortError(signal);
      if (APICallError.isInstance(error) && error.statusCode !== undefined)
        throw httpError(error.statusCode, error.message, error.responseHeaders, error.responseBody);
      throw toProviderError(error, signal);
    }
    if (signal?.aborted) throw abortError(signal);
    if (blocks.length > 0) raw.thinkingBlocks = blocks;
    raw.reasoningField = 'thinking-blocks';
    if (!finish) throw new ProviderError('truncated', 'The stream ended before message_stop');
    yield* writer.finish(
      finish.reason,
      writer.usage({ input: finish.input, completion: finish.output, reasoning: finish.reasoning }),
    );
  }
}

type V3Reason = string | { unified?: string; raw?: string } | undefined;

function mapReason(reason: V3Reason): FinishReason {
  const unified = typeof reason === 'string' ? reason : reason?.unified;
  if (unified === 'stop') return 'stop';
  if (unified === 'length') return 'length';
  if (unified === 'content-filter') return 'content-filter';
  if (unified === 'error') return 'error';
  return 'other';
}

function usageOf(
  usage:
    | {
        inputTokens?: number | { total?: number };
        outputTokens?: number | { total?: number; reasoning?: number };
      }
    | undefined,
): { input?: number; output?: number; reasoning?: number } {
  const input = typeof usage?.inputTokens === 'number' ? usage.inputTokens : usage?.inputTokens?.total;
  const out = usage?.outputTokens;
  const output = typeof out === 'number' ? out : out?.total;
  const reasoning = typeof out === 'object' ? out?.reasoning : undefined;
  return {
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(reasoning !== undefined ? { reasoning } : {}),
  };
}

/** An error part inside the stream: malformed data, or the provider's own `error` event (e.g. overloaded). */
function streamError(error: unknown): ProviderError {
  const e = error as { name?: string; message?: string; type?: string };
  const name = e?.name ?? '';
  if (/JSONParseError|TypeValidationError/.test(name) || /JSON/.test(e?.message ?? ''))
    return new ProviderError('malformed', `Malformed event in stream: ${e?.message ?? name}`.slice(0, 300));
  const message = e?.message ?? (typeof error === 'object' ? JSON.stringify(error) : String(error));
  if (/overloaded|rate/i.test(message))
    return new ProviderError('rate-limit', `Provider error in stream: ${message}`.slice(0, 300));
  return new ProviderError('server', `Provider error in stream: ${message}`.slice(0, 300));
}
