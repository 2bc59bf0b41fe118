import type { ChatModel, ChatRequest } from '../core/chat-model.ts';
import { AbortedError } from '../core/errors/aborted-error.ts';
import type { Problem } from '../core/problem.ts';
import type { Trace } from '../core/trace.ts';
import { foldTrace } from '../core/trace-fold.ts';
import type { Verdict } from '../core/verdict.ts';
import type { EvalSampleRow } from '../store/eval-queries.ts';
import type { EvalSettings } from './report.ts';
import type { TimedSampleRow } from './slice-metrics.ts';

/** Decides whether a reply answers a problem correctly; asynchronous checkers (the Math-Verify pool, the code sandbox) return a promise. */
export type CheckAnswer = (problem: Problem, trace: Trace) => Verdict | Promise<Verdict>;

/** A model that collects whole replies itself (teachers: a pool fails a request over to another endpoint). */
interface GeneratingModel extends ChatModel {
  generate(request: ChatRequest, options?: { signal?: AbortSignal }): Promise<Trace>;
}

/** A model that can run many requests in one batch (local GGUF models through the runtime). */
export interface BatchingModel extends ChatModel {
  generateBatch(requests: ChatRequest[], options?: { signal?: AbortSignal }): Promise<Trace[]>;
}

export interface RunEvalOptions {
  model: ChatModel | BatchingModel;
  problems: readonly Problem[];
  settings: EvalSettings;
  check: CheckAnswer;
  /** Thinking budget for this pass (null = none); stored with each row as `budget` (-1 when null). */
  budget?: number | null;
  /** Requests in flight (or batch size for batching models). Defaults to 16. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function family(problem: Problem): string {
  return problem.source.kind === 'builtin' ? problem.source.family : problem.source.dataset;
}

function requestFor(
  problem: Problem,
  settings: EvalSettings,
  sampleIdx: number,
  budget: number | null,
): ChatRequest {
  return {
    messages: [{ role: 'user', content: problem.prompt }],
    maxTokens: settings.maxTokens,
    temperature: settings.temperature,
    topP: settings.topP,
    seed: settings.seed + sampleIdx,
    ...(budget !== null ? { thinking: { budgetTokens: budget } } : {}),
  };
}

function rowOf(
  problem: Problem,
  sampleIdx: number,
  budget: number | null,
  trace: Trace,
  verdict: Verdict,
): TimedSampleRow {
  const generated = trace.usage.reasoning + trace.usage.output;
  const tps =
    trace.timing.tokensPerSecond ??
    (trace.timing.totalMs > 0 ? (1000 * generated) / trace.timing.totalMs : null);
  return {
    problemId: problem.id,
    sampleIdx,
    budget: budget ?? -1,
    family: family(problem),
    correct: verdict.correct,
    extracted: verdict.extracted,
    finishReason: trace.finishReason,
    reasoningTokens: trace.usage.reasoning,
    answerTokens: trace.usage.output,
    ttftMs: trace.timing.ttftMs ?? null,
    reasoning: trace.reasoning,
    answer: trace.answer,
    verdict,
    endpoint: typeof trace.raw?.endpoint === 'string' ? trace.raw.endpoint : null,
    tokensPerSecond: tps,
  };
}

/**
 * Evaluate a model on problems with K samples each (seed + sample index per sample), verify every answer and
 * return one row per sample. Batching models get batches of `concurrency` requests; others run that many at once,
 * teachers through `generate` (a pool fails a request over to another endpoint; the row records which answered).
 */
export async function runEval(options: RunEvalOptions): Promise<TimedSampleRow[]> {
  const budget = options.budget ?? null;
  const jobs: Array<{ problem: Problem; sampleIdx: number }> = [];
  for (const problem of options.problems)
    for (let k = 0; k < options.settings.samples; k++) jobs.push({ problem, sampleIdx: k });
  const rows: TimedSampleRow[] = new Array(jobs.length);
  const width = Math.max(1, options.concurrency ?? 16);
  let done = 0;
  const finish = async (i: number, trace: Trace): Promise<void> => {
    const job = jobs[i]!;
    rows[i] = rowOf(job.problem, job.sampleIdx, budget, trace, await options.check(job.problem, trace));
    done += 1;
    options.onProgress?.(done, jobs.length);
  };
  const model = options.model;
  if ('generateBatch' in model && typeof model.generateBatch === 'function') {
    for (let start = 0; start < jobs.length; start += width) {
      if (options.signal?.aborted) throw new AbortedError();
      const slice = jobs.slice(start, start + width);
      const traces = await model.generateBatch(
        slice.map((j) => requestFor(j.problem, options.settings, j.sampleIdx, budget)),
        options.signal ? { signal: options.signal } : {},
      );
      await Promise.all(traces.map((t, i) => finish(start + i, t)));
    }
    return rows;
  }
  const signalOpt = options.signal ? { signal: options.signal } : {};
  const one = (request: ChatRequest): Promise<Trace> =>
    'generate' in model && typeof model.generate === 'function'
      ? (model as GeneratingModel).generate(request, signalOpt)
      : foldTrace(model.stream(request, signalOpt));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (options.signal?.aborted) throw new AbortedError();
      const i = next++;
      const job = jobs[i]!;
      await finish(i, await one(requestFor(job.problem, options.settings, job.sampleIdx, budget)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return rows;
}

/** Strip the timing-only field before storing. */
export function storedRow(row: TimedSampleRow): EvalSampleRow {
  const { tokensPerSecond: _, ...rest } = row;
  return rest;
}
