import { z } from 'zod';

/** How reasoning is returned to clients. */
export const ReasoningFormatSchema = z.enum([
  /** `reasoning_content` (DeepSeek, llama-server, SGLang). */
  'reasoning_content',
  /** `reasoning` (vLLM, OpenRouter, Ollama `/v1`). */
  'reasoning',
  /** Both fields, for clients that read either. */
  'both',
  /** Inline `<think>…</think>` at the start of `content` (raw R1 style). */
  'inline',
  /** Reasoning is not returned (its tokens still count in usage). */
  'hidden',
]);
export type ReasoningFormat = z.infer<typeof ReasoningFormatSchema>;

export const ReasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;

const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** Message content: a string, or an array of text parts (images and audio are not supported). */
const ContentSchema = z.union([z.string(), z.array(TextPartSchema).max(256)]);

const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: ContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: ContentSchema, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: ContentSchema.nullable().optional(),
    reasoning_content: z.string().nullable().optional(),
    reasoning: z.string().nullable().optional(),
    name: z.string().optional(),
  }),
]);
export type OpenAIMessage = z.infer<typeof MessageSchema>;

const TokenCount = z.number().int().min(1);

/** The sampling fields chat and text completions share (OpenAI's ranges; null means the default). */
export const SamplingFields = {
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(16)])
    .nullable()
    .optional(),
};

/**
 * The body of `POST /v1/chat/completions`. Unknown fields are accepted and ignored (clients send many),
 * except features this server cannot honour (tools, non-text response formats), which are rejected.
 */
export const ChatCompletionBodySchema = z.looseObject({
  model: z.string().min(1).max(256),
  messages: z.array(MessageSchema).min(1).max(1024),
  max_tokens: TokenCount.nullable().optional(),
  max_completion_tokens: TokenCount.nullable().optional(),
  ...SamplingFields,
  n: z.number().int().min(1).max(16).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  /** OpenAI / Ollama style; mapped to thinking budgets (`none` turns thinking off). */
  reasoning_effort: ReasoningEffortSchema.nullable().optional(),
  /** Anthropic / DeepSeek style. */
  thinking: z
    .looseObject({
      type: z.enum(['enabled', 'disabled', 'auto']).optional(),
      budget_tokens: z.number().int().min(0).optional(),
      /** Distill extension: minimum thinking tokens (budget forcing). */
      min_tokens: z.number().int().min(0).optional(),
    })
    .nullable()
    .optional(),
  /** OpenRouter style. */
  reasoning: z
    .looseObject({
      effort: ReasoningEffortSchema.optional(),
      max_tokens: z.number().int().min(0).optional(),
      exclude: z.boolean().optional(),
      enabled: z.boolean().optional(),
    })
    .nullable()
    .optional(),
  /** vLLM / SGLang / llama-server style (Qwen3 `enable_thinking`). */
  chat_template_kwargs: z.looseObject({ enable_thinking: z.boolean().optional() }).nullable().optional(),
  /** DashScope style. */
  enable_thinking: z.boolean().nullable().optional(),
  /** llama-server style per-request override of the server's reasoning format. */
  reasoning_format: ReasoningFormatSchema.nullable().optional(),
  /** Return each generated token's logprob (thinking and answer tokens) in `choices[].logprobs.content`. */
  logprobs: z.boolean().nullable().optional(),
  /** Alternatives per token (0–20); needs `logprobs: true`. */
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  tools: z.array(z.unknown()).max(0, 'tools are not supported by this server').nullable().optional(),
  response_format: z
    .looseObject({ type: z.literal('text') })
    .nullable()
    .optional(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBodySchema>;
