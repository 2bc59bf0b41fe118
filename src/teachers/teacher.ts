import type { ChatModel, ChatRequest } from '../core/chat-model.ts';
import type { Price } from '../core/price.ts';
import type { Trace } from '../core/trace.ts';

/** Who the teacher is: what goes into every sample's provenance and the run record. Never holds a key. */
export interface TeacherInfo {
  /** The URI it was created from (validated to carry no credentials). */
  uri: string;
  /** Adapter family: `deepseek`, `azure`, `openai-compatible`, `openai`, `ollama`, `openrouter`, `anthropic`, `gguf`. */
  provider: string;
  /** Model name as the provider knows it (deployment name for Azure). */
  modelId: string;
  access: 'api' | 'self_hosted';
  /** Key into the terms registry (src/teachers/terms). */
  termsId: string;
  /** Weights hash (gguf) or provider-reported version, when known. */
  versionOrWeightsSha?: string;
  /** Price used for cost accounting (overridable per teacher in the config). */
  price: Price;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /**
   * Give up after this many ms with a `timeout` ProviderError. Adapters that can time a request out themselves
   * do (no AbortController per request); the rest get one from {@link BaseTeacher}. Defaults to no limit.
   */
  timeoutMs?: number;
}

/** A ChatModel that knows who it is, and that can collect one full reply into a `Trace`. */
export interface Teacher extends ChatModel {
  readonly info: TeacherInfo;
  /** Run one request to the end. Throws `ProviderError` on any failure (kind says which). */
  generate(request: ChatRequest, options?: GenerateOptions): Promise<Trace>;
}
