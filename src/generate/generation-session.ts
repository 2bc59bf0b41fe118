import type { Run } from '../store/run-record.ts';
import type { Store } from '../store/store.ts';
import { PoolTeacher } from '../teachers/pool/pool-teacher.ts';
import { AdaptiveConcurrency, RateLimiter } from '../teachers/rate-limiter.ts';
import type { Teacher } from '../teachers/teacher.ts';
import { CostMeter } from './cost-meter.ts';
import type { FailedKind } from './failure-hints.ts';
import type { GenerationSettings } from './generation-settings.ts';
import { InFlight } from './in-flight.ts';
import type { GenerationProgress, RunGenerationOptions } from './options.ts';
import { SampleWriter } from './sample-writer.ts';

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Counters of one session (one invocation; tokens include earlier sessions of the run). */
export interface SessionStats {
  skipped: number;
  completed: number;
  failed: number;
  /** Failed attempts by kind. */
  errors: Record<string, number>;
  /** Requests that gave up, by the kind of their last failure (hints are added at the end). */
  gaveUp: Record<string, Omit<FailedKind, 'hint'>>;
  tokens: { input: number; reasoning: number; output: number };
  /** Reasoning + output tokens of this session (for tokens/s). */
  sessionTokens: number;
}

/**
 * The state one `runGeneration` call shares between its steps: the run, what is already done, the meters and
 * limiters, the counters, the requests in flight and the batched sample writer.
 */
export class GenerationSession {
  readonly store: Store;
  readonly teacher: Teacher;
  readonly signal: AbortSignal | undefined;
  /** Keys stored before this session started: never requested again. */
  readonly done: Set<string>;
  /** Problems × K when the problem count is known. */
  readonly total: number | undefined;
  readonly cost: CostMeter;
  readonly limiter: RateLimiter;
  readonly concurrency: AdaptiveConcurrency;
  readonly stats: SessionStats;
  readonly inflight = new InFlight();
  readonly writer: SampleWriter;
  /** Running estimate of output tokens per reply (for rate limiting). */
  expectedOut: number;
  private readonly priorWall: number;
  private readonly started = performance.now();

  constructor(
    readonly options: RunGenerationOptions,
    readonly settings: GenerationSettings,
    readonly run: Run,
  ) {
    this.store = options.store;
    this.teacher = options.teacher;
    this.signal = options.signal;
    this.done = this.store.completedKeys(run.id);
    this.total = options.problemCount !== undefined ? options.problemCount * settings.samples : undefined;
    this.priorWall = num(run.summary.wallMs);
    this.cost = new CostMeter(this.teacher.info.price, options.maxCostUsd, num(run.summary.costUsd));
    this.limiter = new RateLimiter({
      ...(options.rpm ? { rpm: options.rpm } : {}),
      ...(options.tpm ? { tpm: options.tpm } : {}),
    });
    this.concurrency = new AdaptiveConcurrency(Math.max(1, settings.concurrency));
    const priorTokens = (run.summary.tokens ?? {}) as Partial<
      Record<'input' | 'reasoning' | 'output', number>
    >;
    this.stats = {
      skipped: 0,
      completed: 0,
      failed: 0,
      errors: {},
      gaveUp: {},
      tokens: {
        input: num(priorTokens.input),
        reasoning: num(priorTokens.reasoning),
        output: num(priorTokens.output),
      },
      sessionTokens: 0,
    };
    this.expectedOut = Math.max(1, Math.floor(settings.maxTokens / 4));
    const remaining = this.total !== undefined ? Math.max(0, this.total - this.done.size) : undefined;
    this.writer = new SampleWriter(this.store, {
      ...options.writer,
      ...(options.writerThread !== undefined ? { thread: options.writerThread } : {}),
      ...(remaining !== undefined ? { expectedSamples: remaining } : {}),
      // Each batch carries the summary as it stands at its flush, written in the batch's own transaction.
      run: { id: run.id, summary: () => this.summary() },
    });
  }

  /** Wall time of the run over all its sessions, in ms. */
  wallMs(): number {
    return this.priorWall + (performance.now() - this.started);
  }

  /** The summary keys every flush and the final update write. */
  summary(): Record<string, unknown> {
    return {
      requested: this.total,
      costUsd: this.cost.spentUsd,
      tokens: this.stats.tokens,
      wallMs: this.wallMs(),
      // Each endpoint's share of this session (served, faults, health), when the teacher is a pool.
      ...(this.teacher instanceof PoolTeacher ? { pool: this.teacher.report() } : {}),
    };
  }

  progress(): GenerationProgress {
    const { stats, writer } = this;
    const elapsedMs = performance.now() - this.started;
    const s = elapsedMs / 1000;
    return {
      runId: this.run.id,
      runName: this.run.name,
      total: this.total,
      done: this.done.size + writer.inserted + writer.pending,
      skipped: stats.skipped,
      completed: stats.completed,
      failed: stats.failed,
      inFlight: this.inflight.size,
      errors: { ...stats.errors },
      costUsd: this.cost.spentUsd,
      tokens: { ...stats.tokens },
      reqPerSec: s > 0 ? stats.completed / s : 0,
      tokensPerSec: s > 0 ? stats.sessionTokens / s : 0,
      elapsedMs,
      concurrency: this.concurrency.limit,
    };
  }
}
