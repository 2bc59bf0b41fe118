export { builtinTemplateNames } from './builtin-template.ts';
export { DEFAULT_WAIT, DEFAULT_WRAP_UP } from './generation.ts';
export { type GgufHeader, readGgufHeader } from './gguf-header.ts';
export { type JinjaRenderInput, JinjaTemplate, type TemplateMessage } from './jinja-template.ts';
export {
  type CompletionRequest,
  type GenerateBatchOptions,
  type LoadModelOptions,
  LocalModel,
  type LocalStreamOptions,
  loadModel,
} from './local-model.ts';
export { estimateModelBytes, reservedBytes } from './memory-budget.ts';
export { type ModelInfo, NativeModel } from './native-model.ts';
export { R1_TEMPERATURE, R1_TOP_P, Sampler, type SamplerOptions } from './sampler.ts';
export type { SchedulerOptions } from './scheduler.ts';
export type { ScoredPosition } from './score.ts';
export {
  type ChatTemplate,
  selectTemplate,
  TEMPLATE_IDS,
  type TemplateId,
  type ThinkingStart,
} from './templates.ts';
export { chooseThreads } from './threads.ts';
export { type TokenizeOptions, Tokenizer } from './tokenizer.ts';
