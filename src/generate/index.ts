export { AdaptiveConcurrency, RateLimiter } from '../teachers/rate-limiter.ts';
export { backoffDelay, RETRYABLE_KINDS } from './backoff.ts';
export { buildSample, promptRef, type SampleSettings } from './build-sample.ts';
export { loadConfigFile } from './config-file.ts';
export { CostMeter } from './cost-meter.ts';
export { type DryRunEstimate, estimateGeneration, estimateTokens } from './estimate.ts';
export {
  type GenerateFromSpecOptions,
  type GenerateFromSpecResult,
  generateFromSpec,
} from './generate-from-spec.ts';
export type { GenerationProgress, GenerationResult, RunGenerationOptions } from './options.ts';
export { runGeneration } from './run-generation.ts';
export { SampleWriter, type SampleWriterOptions } from './sample-writer.ts';
export { scrubSecrets } from './scrub.ts';
export { sampleSeed } from './seeds.ts';
