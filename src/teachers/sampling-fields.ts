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
  return addSamplingFields({}, request);
}

/** {@link samplingFields} written into `target` (a request body being built), in the same order. */
export function addSamplingFields<T extends object>(target: T, request: ChatRequest): T & SamplingFields {
  const out = target as T & SamplingFields;
  if (request.temperature !== undefined) out.temperature = request.temperature;
  if (request.topP !== undefined) out.top_p = request.topP;
  if (request.seed !== undefined) out.seed = request.seed;
  if (request.stop?.length) out.stop = request.stop;
  return out;
}
