import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import type { Run } from '../store/run-record.ts';
import type { Store } from '../store/store.ts';
import type { Teacher } from '../teachers/teacher.ts';
import { TERMS, type TermsRecord } from '../teachers/terms/registry.ts';
import type { RunGenerationOptions } from './options.ts';

/** `RunGenerationOptions` with every default filled in. */
export interface GenerationSettings {
  samples: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  baseSeed: number;
  maxRetries: number;
  timeoutMs: number;
  verify: boolean;
  concurrency: number;
  terms: TermsRecord;
}

/** Settings that must match for a run to be resumed rather than mixed with another (the endpoint may move). */
const RESUME_KEYS = [
  'provider',
  'model',
  'tasks',
  'samples',
  'temperature',
  'topP',
  'maxTokens',
  'thinkingBudget',
  'seed',
] as const;

export function resolveSettings(options: RunGenerationOptions): GenerationSettings {
  return {
    samples: options.samples ?? 1,
    maxTokens: options.maxTokens ?? 8192,
    temperature: options.temperature ?? 0.6,
    topP: options.topP ?? 0.95,
    baseSeed: options.seed ?? 0,
    maxRetries: options.maxRetries ?? 5,
    timeoutMs: options.requestTimeoutMs ?? 600_000,
    verify: options.verify ?? true,
    concurrency: options.concurrency ?? 8,
    terms: options.terms ?? TERMS[options.teacher.info.termsId] ?? TERMS.unknown!,
  };
}

/** What the run row records as its config: the teacher, the settings, the limits (never a key). */
export function runConfig(
  options: RunGenerationOptions,
  teacher: Teacher,
  s: GenerationSettings,
): Record<string, unknown> {
  return {
    ...options.config,
    teacher: teacher.info.uri,
    provider: teacher.info.provider,
    model: teacher.info.modelId,
    samples: s.samples,
    temperature: s.temperature,
    topP: s.topP,
    maxTokens: s.maxTokens,
    thinkingBudget: options.thinkingBudget ?? null,
    seed: s.baseSeed,
    terms: s.terms.id,
    trainPolicy: s.terms.usePolicy.train,
    concurrency: s.concurrency,
    ...(options.rpm ? { rpm: options.rpm } : {}),
    ...(options.tpm ? { tpm: options.tpm } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
  };
}

/** The run called `name`: created, or resumed when its recorded settings match (InvalidInputError otherwise). */
export function openGenerationRun(store: Store, name: string, config: Record<string, unknown>): Run {
  const { run, created } = store.ensureRun({ name, kind: 'generate', config });
  if (!created) {
    for (const k of RESUME_KEYS)
      if (k in run.config && JSON.stringify(run.config[k]) !== JSON.stringify(config[k]))
        throw new InvalidInputError(
          `Run '${name}' was started with ${k}=${JSON.stringify(run.config[k])}, not ${JSON.stringify(config[k])}`,
          { hint: 'repeat the original command to resume, or choose a new --out' },
        );
  }
  return run;
}
