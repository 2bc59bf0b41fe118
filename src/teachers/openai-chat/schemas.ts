import { z } from 'zod';

/** OpenRouter's structured reasoning (`reasoning.text` | `reasoning.summary` | `reasoning.encrypted`). */
export const ReasoningDetailSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  summary: z.string().nullish(),
  data: z.string().nullish(),
  signature: z.string().nullish(),
  index: z.number().int().optional(),
});
export type ReasoningDetail = z.infer<typeof ReasoningDetailSchema>;

/** OpenAI-style usage, with the extras DeepSeek (cache hits) and o-series (reasoning tokens) add. */
export const OpenAIUsageSchema = z.looseObject({
  prompt_tokens: z.number().int().nullish(),
  completion_tokens: z.number().int().nullish(),
  total_tokens: z.number().int().nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().nullish() }).nullish(),
});

/** The reasoning fields every OpenAI-compatible server may use (REFERENCE.md §1). */
const ReasoningFields = {
  content: z.string().nullish(),
  /** DeepSeek, llama-server, SGLang, Azure 2025-04-01, older vLLM. */
  reasoning_content: z.string().nullish(),
  /** vLLM, Ollama /v1, OpenRouter. */
  reasoning: z.string().nullish(),
  /** OpenRouter. */
  reasoning_details: z.array(ReasoningDetailSchema).nullish(),
};

export const ChatChunkSchema = z.object({
  model: z.string().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z.object(ReasoningFields).nullish(),
        finish_reason: z.string().nullish(),
        /** Distill server extension: how thinking ended (`natural`, `budget`, `cut`, …). */
        thinking_end: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: OpenAIUsageSchema.nullish(),
});
export type ChatChunk = z.infer<typeof ChatChunkSchema>;

export const ChatCompletionSchema = z.object({
  model: z.string().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object(ReasoningFields),
        finish_reason: z.string().nullish(),
        thinking_end: z.string().nullish(),
      }),
    )
    .min(1),
  usage: OpenAIUsageSchema.nullish(),
});

const isOpt = (v: unknown, type: 'string'): boolean => v === undefined || v === null || typeof v === type;

/** True when `v` is a delta of the plain shape: content and reasoning strings only (no reasoning_details). */
function isPlainDelta(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  return (
    isOpt(d.content, 'string') &&
    isOpt(d.reasoning_content, 'string') &&
    isOpt(d.reasoning, 'string') &&
    (d.reasoning_details === undefined || d.reasoning_details === null)
  );
}

const isOptInt = (v: unknown): boolean => v === undefined || v === null || Number.isSafeInteger(v);

/** True when `v` is what {@link OpenAIUsageSchema} accepts (or absent): nullish integer counts, extra keys kept. */
function isPlainUsage(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const u = v as Record<string, unknown>;
  const details = u.completion_tokens_details;
  return (
    isOptInt(u.prompt_tokens) &&
    isOptInt(u.completion_tokens) &&
    isOptInt(u.total_tokens) &&
    (details === undefined ||
      details === null ||
      (typeof details === 'object' &&
        !Array.isArray(details) &&
        isOptInt((details as Record<string, unknown>).reasoning_tokens)))
  );
}

/**
 * Validate one streamed chunk. The shape nearly every chunk has (a delta of strings and integer usage counts, no
 * reasoning_details) is checked by hand — it is the per-chunk hot path, and a zod parse there cost most of the
 * engine's time on fast servers; anything else (reasoning_details, a bad shape) goes through
 * {@link ChatChunkSchema}, which also produces the error. Accepts exactly what the schema accepts.
 */
export function parseChatChunk(value: unknown): ReturnType<typeof ChatChunkSchema.safeParse> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const c = value as Record<string, unknown>;
    const choices = c.choices;
    if (
      isPlainUsage(c.usage) &&
      isOpt(c.model, 'string') &&
      isOpt(c.system_fingerprint, 'string') &&
      (choices === undefined ||
        choices === null ||
        (Array.isArray(choices) &&
          choices.every(
            (ch: unknown) =>
              typeof ch === 'object' &&
              ch !== null &&
              !Array.isArray(ch) &&
              isPlainDelta((ch as Record<string, unknown>).delta) &&
              isOpt((ch as Record<string, unknown>).finish_reason, 'string') &&
              isOpt((ch as Record<string, unknown>).thinking_end, 'string'),
          )))
    )
      return { success: true, data: c as ChatChunk };
  }
  return ChatChunkSchema.safeParse(value);
}
