import { z } from 'zod';
import type { Problem } from '../core/problem.ts';
import { validate } from '../core/validate.ts';
import type { Store } from '../store/store.ts';
import type { Teacher } from '../teachers/teacher.ts';
import type { TermsRecord } from '../teachers/terms/registry.ts';
import type { BackoffOptions } from './backoff.ts';
import type { FailedKind } from './failure-hints.ts';
import type { SampleWriterOptions } from './sample-writer.ts';

export interface RunGenerationOptions {
  store: Store;
  teacher: Teacher;
  /** Problems, streamed (never collected in memory). */
  problems: AsyncIterable<Problem>;
  /** Number of problems, when known, for progress and ETA. Defaults to unknown. */
  problemCount?: number;
  /** Run name (`--out`). Re-running with the same name resumes. */
  runName: string;
  /** Samples per problem (K), each with its own seed. Defaults to 1. */
  samples?: number;
  /** Most requests in flight. Defaults to 8. */
  concurrency?: number;
  /** Requests per minute. Defaults to no limit. */
  rpm?: number;
  /** Tokens per minute (input + output, estimated before and corrected after). Defaults to no limit. */
  tpm?: number;
  /** Hard spending limit in USD over the whole run (all resumes). Defaults to no limit. */
  maxCostUsd?: number;
  /**
   * Token limit per reply (thinking + answer): a hard stop, recorded as `length` (the trace is then cut, never
   * forced to answer). Defaults to 8192.
   */
  maxTokens?: number;
  /**
   * Thinking budget in tokens: opts in to ending thinking early (the runtime or server forces the answer; the
   * trace records `thinkingEnd: 'budget'`). Recorded in the run settings and provenance. Defaults to none.
   */
  thinkingBudget?: number;
  /** Defaults to 0.6 (DeepSeek's advice for R1). */
  temperature?: number;
  /** Defaults to 0.95. */
  topP?: number;
  /** Base seed; sample seeds derive from it, the problem id and the sample index. Defaults to 0. */
  seed?: number;
  /** Per-request wall-clock limit in ms. Defaults to 600000. */
  requestTimeoutMs?: number;
  /** Retries per request for transient faults (so at most retries + 1 attempts). Defaults to 5. */
  maxRetries?: number;
  /** Backoff shape. Defaults to 500 ms doubling to 30 s, with jitter. */
  backoff?: BackoffOptions;
  /** Terms that apply. Defaults to the registry entry named by `teacher.info.termsId`. */
  terms?: TermsRecord;
  /** Fill verdicts at generation time for problems with a gold answer. Defaults to true. */
  verify?: boolean;
  /** Extra settings recorded in the run config (e.g. the task spec). Never API keys. */
  config?: Record<string, unknown>;
  /** Stops dispatching; in-flight requests are abandoned and retried on the next run. */
  signal?: AbortSignal;
  /** Live statistics, every `progressIntervalMs` and at the end. */
  onProgress?: (progress: GenerationProgress) => void;
  /** Defaults to 500. */
  progressIntervalMs?: number;
  /** Batching of sample writes. Defaults to 512 samples or 200 ms. */
  writer?: SampleWriterOptions;
  /**
   * Commit sample batches on the process-wide write thread (beside the requests' thread) instead of in process.
   * `auto` uses it when the samples still to request are at least two batches and the store is a file.
   * Defaults to `auto`.
   */
  writerThread?: boolean | 'auto';
  /** Env var holding the teacher's API key, named in the hint for 401/403. Defaults to the provider's default. */
  keyEnv?: string;
}

export interface GenerationProgress {
  runId: string;
  runName: string;
  /** Problems × K when the problem count is known. */
  total: number | undefined;
  /** Samples stored for this run (earlier sessions included). */
  done: number;
  /** Samples found already done when this session started. */
  skipped: number;
  /** Samples completed in this session. */
  completed: number;
  /** Requests that gave up in this session. */
  failed: number;
  inFlight: number;
  /** Failed attempts in this session by kind (rate-limit, server, timeout, truncated, malformed, empty, …). */
  errors: Record<string, number>;
  costUsd: number;
  tokens: { input: number; reasoning: number; output: number };
  reqPerSec: number;
  tokensPerSec: number;
  elapsedMs: number;
  /** Current adaptive concurrency limit. */
  concurrency: number;
}

export interface GenerationResult extends GenerationProgress {
  /**
   * `completed`: every requested sample is stored. `incomplete`: it ran to the end but some requests gave up (see
   * `failures`; re-running resumes them). `stopped`: `--max-cost` reached. `interrupted`: Ctrl-C / signal.
   */
  status: 'completed' | 'incomplete' | 'stopped' | 'interrupted';
  /** Why the run stopped early. */
  stopReason?: 'max-cost' | 'interrupted';
  /** Requests of this session that gave up, by the kind of their last failure, each with a hint. */
  failures: Record<string, FailedKind>;
}

/** The numeric generation settings and their valid ranges (checked before anything is sent). */
export const GenerationSettingsSchema = z.object({
  samples: z.number().int().min(1).optional(),
  concurrency: z.number().int().min(1).optional(),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  maxCostUsd: z.number().min(0).optional(),
  maxTokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  requestTimeoutMs: z.number().positive().optional(),
  maxRetries: z.number().int().min(0).optional(),
});

/** Throw an InvalidInputError naming the first setting out of range (negative timeout, top-p 0, …). */
export function checkGenerationSettings(options: z.input<typeof GenerationSettingsSchema>): void {
  validate(GenerationSettingsSchema, options, 'generation settings');
}
