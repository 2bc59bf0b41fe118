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
