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

/** The one normalised shape of a teacher or student reply, whatever the provider called its thinking. */
export const TraceSchema = z.object({
  reasoning: z.string(),
  answer: z.string(),
  finishReason: FinishReasonSchema,
  /** True when thinking was cut by the token limit (answer may be empty). */
  truncatedInThinking: z.boolean().default(false),
  usage: UsageSchema,
  timing: TimingSchema,
  /** Provider-specific extras kept verbatim (e.g. Anthropic signatures). Never API keys. */
  raw: z.record(z.string(), z.unknown()).optional(),
});
export type Trace = z.infer<typeof TraceSchema>;
