import { stableId } from '../core/hash.ts';
import type { Problem } from '../core/problem.ts';
import type { Trace } from '../core/trace.ts';
import type { Verdict } from '../core/verdict.ts';
import { saveEvalReport } from '../store/eval-queries.ts';
import type { Store } from '../store/store.ts';
import { loadProblems } from '../tasks/load.ts';
import { codeVerdictToVerdict, verifyCode } from '../verify/code/verify-code.ts';
import { verifyAnswer } from '../verify/verify-answer.ts';
import { VERIFIER_VERSION } from '../verify/version.ts';
import type { OpenedModel } from './open-model.ts';
import type { BudgetPoint, EvalReport, EvalSettings } from './report.ts';
import { type CheckAnswer, runEval, storedRow } from './run-eval.ts';
import { metricsByFamily, type TimedSampleRow } from './slice-metrics.ts';

export interface EvaluateOptions {
  opened: OpenedModel;
  tasks: string;
  settings: EvalSettings;
  /** Report name in the store. */
  name: string;
  store: Store;
  /**
   * Answer checker. Defaults to {@link checkAnswer} (the in-process TypeScript verifier); `--verifier math-verify`
   * passes one backed by the Math-Verify pool, with its `verifierVersion`.
   */
  check?: CheckAnswer;
  /** Recorded in the report. Defaults to the TypeScript verifier's VERIFIER_VERSION. */
  verifierVersion?: string;
  /** Thinking budgets for the test-time-scaling curve. Defaults to none. */
  budgets?: number[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Verify a reply's answer (never its thinking) against the problem's gold answer, or run its program against the tests. */
export function checkAnswer(problem: Problem, trace: Trace): Verdict | Promise<Verdict> {
  if (problem.code) return verifyCode(trace.answer, problem.code).then(codeVerdictToVerdict);
  if (!problem.gold || trace.answer.trim() === '') {
    return {
      correct: false,
      extracted: null,
      extractor: null,
      method: 'none',
      verifierVersion: VERIFIER_VERSION,
    };
  }
  return verifyAnswer({ gold: problem.gold, pred: trace.answer, kind: problem.answerKind });
}

/** Load the problems of a spec into memory (eval sets are small). */
export async function collectProblems(spec: string, signal?: AbortSignal): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const p of loadProblems(spec, signal ? { signal } : {})) problems.push(p);
  return problems;
}

/**
 * Evaluate a model on a task spec, optionally sweep thinking budgets, and store the report with every sample so
 * accuracy can be recounted and the run reproduced (settings, model hash, spec and verifier version are kept).
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalReport> {
  const started = Date.now();
  const problems = await collectProblems(options.tasks, options.signal);
  const common = {
    model: options.opened.model,
    problems,
    settings: options.settings,
    check: options.check ?? checkAnswer,
    concurrency: options.opened.concurrency,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const main = await runEval({
    ...common,
    budget: options.settings.thinkingBudget,
    onProgress: (d, t) => options.onProgress?.(d, t, 'eval'),
  });
  const all: TimedSampleRow[] = main.map((r) => ({ ...r, budget: -1 }));
  const budgetCurve: BudgetPoint[] = [];
  for (const budget of options.budgets ?? []) {
    const rows = await runEval({
      ...common,
      budget,
      onProgress: (d, t) => options.onProgress?.(d, t, `budget ${budget}`),
    });
    const m = metricsByFamily(rows).overall;
    budgetCurve.push({
      budget,
      pass1: m.pass1,
      pass1Ci: m.pass1Ci,
      meanReasoningTokens: m.meanReasoningTokens,
    });
    all.push(...rows.map((r) => ({ ...r, budget })));
  }
  const { overall, byFamily } = metricsByFamily(main);
  const report: EvalReport = {
    id: stableId(
      options.name,
      options.opened.descriptor.uri,
      options.tasks,
      JSON.stringify(options.settings),
    ),
    name: options.name,
    createdAt: new Date().toISOString(),
    model: {
      ...options.opened.descriptor,
      ...(options.opened.poolReport ? { pool: options.opened.poolReport() } : {}),
    },
    tasks: options.tasks,
    settings: options.settings,
    verifierVersion: options.verifierVersion ?? VERIFIER_VERSION,
    overall,
    byFamily,
    budgetCurve,
    wallMs: Date.now() - started,
  };
  saveEvalReport(options.store.db, report.id, report.name, report, all.map(storedRow));
  return report;
}
