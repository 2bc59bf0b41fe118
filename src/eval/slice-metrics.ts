import type { EvalSampleRow } from '../store/eval-queries.ts';
import { accuracyMetrics, type ProblemOutcome } from './metrics.ts';
import type { SliceMetrics } from './report.ts';

export interface TimedSampleRow extends EvalSampleRow {
  /** Generated tokens per second for this sample, when known. */
  tokensPerSecond: number | null;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Group sample rows by problem into outcomes (samples sorted by index). */
export function outcomesOf(rows: readonly EvalSampleRow[]): ProblemOutcome[] {
  const byProblem = new Map<string, EvalSampleRow[]>();
  for (const r of rows) {
    const list = byProblem.get(r.problemId) ?? [];
    list.push(r);
    byProblem.set(r.problemId, list);
  }
  return [...byProblem.entries()].map(([problemId, list]) => {
    list.sort((a, b) => a.sampleIdx - b.sampleIdx);
    return {
      problemId,
      family: list[0]?.family ?? '',
      correct: list.map((r) => r.correct),
      answers: list.map((r) => r.extracted),
    };
  });
}

/** All metrics of one slice of rows. */
export function sliceMetrics(rows: readonly TimedSampleRow[]): SliceMetrics {
  const acc = accuracyMetrics(outcomesOf(rows));
  const ttfts = rows.map((r) => r.ttftMs).filter((x): x is number => x !== null);
  const rates = rows
    .map((r) => r.tokensPerSecond)
    .filter((x): x is number => x !== null && Number.isFinite(x));
  return {
    ...acc,
    meanReasoningTokens: mean(rows.map((r) => r.reasoningTokens)),
    meanAnswerTokens: mean(rows.map((r) => r.answerTokens)),
    meanTtftMs: ttfts.length ? mean(ttfts) : null,
    tokensPerSecond: rates.length ? mean(rates) : null,
    emptyRate: rows.length ? rows.filter((r) => r.answer.trim() === '').length / rows.length : 0,
    truncatedRate: rows.length ? rows.filter((r) => r.finishReason === 'length').length / rows.length : 0,
  };
}

/** Overall and per-family metrics. */
export function metricsByFamily(rows: readonly TimedSampleRow[]): {
  overall: SliceMetrics;
  byFamily: Record<string, SliceMetrics>;
} {
  const families = [...new Set(rows.map((r) => r.family))].sort();
  return {
    overall: sliceMetrics(rows),
    byFamily: Object.fromEntries(families.map((f) => [f, sliceMetrics(rows.filter((r) => r.family === f))])),
  };
}
