import type { ChatRequest } from '../core/chat-model.ts';

/** The sampling settings of a request under their OpenAI-style wire names, each only when the request sets it. */
export interface SamplingFields {
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string[];
}

/**
 * `temperature`, `top_p`, `seed` and `stop` as OpenAI Chat Completions and Ollama's `options` both name them.
 * Unset settings (and an empty `stop`) are left out, so the provider's defaults apply.
 */
export function samplingFields(request: ChatRequest): SamplingFields {
  return {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
  };
}
