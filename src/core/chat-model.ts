import { z } from 'zod';
import type { StreamPart } from './stream-part.ts';

export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  /** Earlier thinking of an assistant turn; stripped from history by default. */
  reasoning: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Per-turn thinking control shared by teachers, the runtime and the server. */
export const ThinkingOptionsSchema = z.object({
  /** Turn thinking on/off where the model supports it. Defaults to true. */
  enabled: z.boolean().optional(),
  /** Maximum thinking tokens before thinking is ended gracefully. Defaults to no budget. */
  budgetTokens: z.number().int().min(0).optional(),
  /** Minimum thinking tokens ("Wait" extension, s1 budget forcing). Defaults to 0. */
  minTokens: z.number().int().min(0).optional(),
  /**
   * When `maxTokens` would cut thinking, end it early (with a short wrap-up) so an answer fits: what a person in
   * `distill chat` wants. Defaults to false: `maxTokens` is a hard stop, finishing with `length` (OpenAI semantics;
   * what data collection needs). Either way the trace's `thinkingEnd` says how thinking ended.
   */
  reserveAnswer: z.boolean().optional(),
});
export type ThinkingOptions = z.infer<typeof ThinkingOptionsSchema>;

export const ChatRequestSchema = z.object({
  messages: z.array(ChatMessageSchema).min(1),
  /** Maximum generated tokens (thinking + answer). */
  maxTokens: z.number().int().min(1).optional(),
  /** Defaults to 0.6 (DeepSeek's R1 advice); 0 means greedy. */
  temperature: z.number().min(0).max(2).optional(),
  /** Defaults to 0.95. */
  topP: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
  thinking: ThinkingOptionsSchema.optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** Handle to steer a running generation, e.g. force the end of thinking now. */
export interface GenerationControl {
  /** Force `</think>` now; the model then answers. No-op once thinking has ended. */
  answerNow(): void;
}

/**
 * The port every model implements: remote teachers, local GGUF models (runtime) and anything the server serves.
 * `stream` yields StreamParts and always ends with exactly one `finish` (or throws a DistillError).
 */
export interface ChatModel {
  readonly id: string;
  stream(
    request: ChatRequest,
    options?: { signal?: AbortSignal; control?: (c: GenerationControl) => void },
  ): AsyncIterable<StreamPart>;
}
