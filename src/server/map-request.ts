import type { ChatMessage, ChatRequest, ThinkingOptions } from '../core/chat-model.ts';
import type { ChatCompletionBody, OpenAIMessage, ReasoningEffort, ReasoningFormat } from './openai-schema.ts';

/** Thinking budgets (tokens) per `reasoning_effort`. `none` turns thinking off. */
export type EffortBudgets = Record<Exclude<ReasoningEffort, 'none'>, number>;

/** Defaults sized for small distilled students; override with `ServerOptions.effortBudgets`. */
export const DEFAULT_EFFORT_BUDGETS: EffortBudgets = {
  minimal: 64,
  low: 256,
  medium: 1024,
  high: 4096,
  xhigh: 16384,
};

/** What the server does with one chat-completions body. */
export interface MappedRequest {
  /** The port request, identical for every choice except `seed` (choice i uses seed + i). */
  request: ChatRequest;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  reasoningFormat: ReasoningFormat;
}

function contentText(content: OpenAIMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text).join('');
}

function toChatMessage(m: OpenAIMessage): ChatMessage {
  if (m.role === 'assistant') {
    const reasoning = m.reasoning_content ?? m.reasoning ?? undefined;
    return { role: 'assistant', content: contentText(m.content), ...(reasoning ? { reasoning } : {}) };
  }
  return { role: m.role === 'developer' ? 'system' : m.role, content: contentText(m.content) };
}

/** Resolve the many thinking switches clients send into one ThinkingOptions (explicit beats effort). */
export function mapThinking(body: ChatCompletionBody, budgets: EffortBudgets): ThinkingOptions | undefined {
  const thinking: ThinkingOptions = {};
  const effort = body.reasoning?.effort ?? body.reasoning_effort ?? undefined;
  const disabled =
    body.thinking?.type === 'disabled' ||
    body.chat_template_kwargs?.enable_thinking === false ||
    body.enable_thinking === false ||
    body.reasoning?.enabled === false ||
    effort === 'none';
  const enabled =
    body.thinking?.type === 'enabled' ||
    body.chat_template_kwargs?.enable_thinking === true ||
    body.enable_thinking === true ||
    body.reasoning?.enabled === true;
  if (disabled) thinking.enabled = false;
  else if (enabled) thinking.enabled = true;
  const budget =
    body.thinking?.budget_tokens ??
    body.reasoning?.max_tokens ??
    (effort && effort !== 'none' ? budgets[effort] : undefined);
  // Asking for a thinking budget opts in to forcing an answer (also within max_tokens); without one, max_tokens is
  // a hard stop with finish_reason "length", as OpenAI-compatible clients expect.
  if (!disabled && budget !== undefined) {
    thinking.budgetTokens = budget;
    thinking.reserveAnswer = true;
  }
  if (!disabled && body.thinking?.min_tokens !== undefined) thinking.minTokens = body.thinking.min_tokens;
  return Object.keys(thinking).length > 0 ? thinking : undefined;
}

/** Map a validated OpenAI chat-completions body onto the ChatModel port. */
export function mapRequest(
  body: ChatCompletionBody,
  defaults: { reasoningFormat: ReasoningFormat; effortBudgets: EffortBudgets },
): MappedRequest {
  const request: ChatRequest = { messages: body.messages.map(toChatMessage) };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens) request.maxTokens = maxTokens;
  // top_p = 0 keeps only the most likely token: that is greedy decoding.
  if (body.top_p === 0) request.temperature = 0;
  else if (typeof body.top_p === 'number') request.topP = body.top_p;
  if (typeof body.temperature === 'number' && request.temperature === undefined)
    request.temperature = body.temperature;
  if (typeof body.seed === 'number') request.seed = body.seed;
  if (body.stop) request.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  const thinking = mapThinking(body, defaults.effortBudgets);
  if (thinking) request.thinking = thinking;
  const reasoningFormat: ReasoningFormat =
    body.reasoning?.exclude === true ? 'hidden' : (body.reasoning_format ?? defaults.reasoningFormat);
  return {
    request,
    n: body.n ?? 1,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    reasoningFormat,
  };
}
