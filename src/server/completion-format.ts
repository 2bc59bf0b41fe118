import type { StreamPart } from '../core/stream-part.ts';
import type { FinishReason, Timing, Usage } from '../core/trace.ts';
import type { ReasoningFormat } from './openai-schema.ts';

/** The `delta` of a streamed choice, or the reasoning/content fields of a message. */
export interface OpenAIDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  reasoning?: string;
}

export type OpenAIFinishReason = 'stop' | 'length' | 'content_filter';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details: { reasoning_tokens: number };
}

/** Distill extension (like llama-server's `timings`): what the web UI shows as tokens/s. */
export interface OpenAITimings {
  ttft_ms: number | null;
  thinking_ms: number | null;
  total_ms: number;
  tokens_per_second: number | null;
}

/** Reasoning text placed in the fields `format` asks for. */
export function reasoningFields(text: string, format: ReasoningFormat): OpenAIDelta {
  if (format === 'reasoning_content') return { reasoning_content: text };
  if (format === 'reasoning') return { reasoning: text };
  if (format === 'both') return { reasoning_content: text, reasoning: text };
  if (format === 'inline') return { content: text };
  return {};
}

/** The delta one StreamPart contributes, or undefined when it contributes none. */
export function deltaForPart(part: StreamPart, format: ReasoningFormat): OpenAIDelta | undefined {
  switch (part.type) {
    case 'reasoning-start':
      return format === 'inline' ? { content: '<think>\n' } : undefined;
    case 'reasoning-delta':
      return part.delta && format !== 'hidden' ? reasoningFields(part.delta, format) : undefined;
    case 'reasoning-end':
      return format === 'inline' ? { content: '\n</think>\n\n' } : undefined;
    case 'text-delta':
      return part.delta ? { content: part.delta } : undefined;
    default:
      return undefined;
  }
}

/** OpenAI's finish_reason for ours. A cut inside thinking is `length` (the answer is then empty). */
export function toFinishReason(reason: FinishReason): OpenAIFinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'content-filter') return 'content_filter';
  return 'stop';
}

/** Usage summed over the choices of one request (the prompt is counted once). */
export function toUsage(usages: Usage[]): OpenAIUsage {
  const prompt = usages[0]?.input ?? 0;
  const reasoning = usages.reduce((s, u) => s + u.reasoning, 0);
  const completion = usages.reduce((s, u) => s + u.reasoning + u.output, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

/** Timings of one choice: the model's own figures where it gives them, else what the server measured. */
export function toTimings(
  measured: Timing,
  fromModel: Timing | undefined,
  usage: Usage | undefined,
): OpenAITimings {
  const total = measured.totalMs;
  const ttft = measured.ttftMs ?? fromModel?.ttftMs ?? null;
  const tokens = usage ? usage.reasoning + usage.output : 0;
  const genMs = ttft === null ? total : total - ttft;
  const tps = fromModel?.tokensPerSecond ?? (tokens > 1 && genMs > 0 ? ((tokens - 1) * 1000) / genMs : null);
  const thinking = measured.thinkingMs ?? fromModel?.thinkingMs;
  return {
    ttft_ms: ttft === null ? null : round(ttft),
    thinking_ms: thinking === undefined ? null : round(thinking),
    total_ms: round(total),
    tokens_per_second: tps === null ? null : round(tps),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
