import { z } from 'zod';

/**
 * Why generation stopped. `length` = token limit; `thinking-budget` is never a finish reason on its own:
 * a budget ends thinking and the answer follows.
 */
export const FinishReasonSchema = z.enum(['stop', 'length', 'content-filter', 'abort', 'error', 'other']);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

export const UsageSchema = z.object({
  /** Prompt tokens. */
  input: z.number().int().min(0),
  /** Thinking tokens (part of output for providers that count them together). */
  reasoning: z.number().int().min(0),
  /** Answer tokens, excluding reasoning. */
  output: z.number().int().min(0),
});
export type Usage = z.infer<typeof UsageSchema>;

export const TimingSchema = z.object({
  /** Milliseconds from request to first token of any kind. */
  ttftMs: z.number().min(0).optional(),
  /** Milliseconds spent inside thinking. */
  thinkingMs: z.number().min(0).optional(),
  /** Total wall milliseconds. */
  totalMs: z.number().min(0),
  /** Generated tokens per second (reasoning + answer). */
  tokensPerSecond: z.number().min(0).optional(),
});
export type Timing = z.infer<typeof TimingSchema>;

/**
 * How thinking ended. Only `natural` and `none` are clean; the others mean the thinking the trace shows is not the
 * thinking the model would have done on its own.
 * - `natural`: the model closed thinking itself (its closing tag, or end-of-generation inside thinking).
 * - `budget`: the runtime closed it because the requested thinking budget ran out (opt-in: a budget was asked for).
 * - `answer-now`: a person or client asked for the answer now (chat `a`, the web UI's button, `/v1/answer-now`).
 * - `max-tokens-reserve`: the runtime closed it early to leave room for an answer within `maxTokens` (opt-in,
 *   `thinking.reserveAnswer`; `distill chat` does this).
 * - `cut`: the reply stopped inside thinking (token limit, abort or error; `finishReason` says which).
 * - `none`: the reply had no thinking.
 */
export const ThinkingEndSchema = z.enum([
  'natural',
  'budget',
  'answer-now',
  'max-tokens-reserve',
  'cut',
  'none',
]);
export type ThinkingEnd = z.infer<typeof ThinkingEndSchema>;

/** Thinking ends that the runtime (or a person) imposed on the model. */
export const FORCED_THINKING_ENDS: readonly ThinkingEnd[] = ['budget', 'answer-now', 'max-tokens-reserve'];

/** True when something other than the model ended its thinking (budget, answer-now, max-tokens reserve). */
export function isForcedThinkingEnd(end: ThinkingEnd | undefined): boolean {
  return end !== undefined && FORCED_THINKING_ENDS.includes(end);
}

/** The one normalised shape of a teacher or student reply, whatever the provider called its thinking. */
export const TraceSchema = z.object({
  reasoning: z.string(),
  answer: z.string(),
  finishReason: FinishReasonSchema,
  /** True when thinking was cut by the token limit (answer may be empty). */
  truncatedInThinking: z.boolean().default(false),
  /** How thinking ended (see {@link ThinkingEndSchema}). Absent only on traces stored before it was recorded. */
  thinkingEnd: ThinkingEndSchema.optional(),
  usage: UsageSchema,
  timing: TimingSchema,
  /** Provider-specific extras kept verbatim (e.g. Anthropic signatures). Never API keys. */
  raw: z.record(z.string(), z.unknown()).optional(),
});
export type Trace = z.infer<typeof TraceSchema>;
