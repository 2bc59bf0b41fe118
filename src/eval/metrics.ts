/** Per-problem outcome of K samples: correctness of each, and the extracted answers (for majority voting). */
export interface ProblemOutcome {
  problemId: string;
  family: string;
  correct: boolean[];
  /** Normalised extracted answers, null when none was found. */
  answers: Array<string | null>;
}

export interface Interval {
  low: number;
  high: number;
}

/** Unbiased pass@k estimator (Chen et al. 2021): 1 - C(n-c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) return c > 0 ? 1 : 0;
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Wilson score interval for a proportion (95% by default). */
export function wilsonInterval(successes: number, n: number, z = 1.959964): Interval {
  if (n === 0) return { low: 0, high: 0 };
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * 95% interval for pass@1 averaged over K samples per problem. With K = 1 this is the Wilson interval;
 * with K > 1 the per-problem means are the unit of sampling (normal approximation, clipped to [0, 1]),
 * so repeated samples of the same problem do not shrink the interval artificially.
 */
export function pass1Interval(perProblemMeans: number[], z = 1.959964): Interval {
  const n = perProblemMeans.length;
  if (n === 0) return { low: 0, high: 0 };
  const mean = perProblemMeans.reduce((a, b) => a + b, 0) / n;
  const isBinary = perProblemMeans.every((m) => m === 0 || m === 1);
  if (isBinary) return wilsonInterval(Math.round(mean * n), n, z);
  const variance = n > 1 ? perProblemMeans.reduce((a, m) => a + (m - mean) ** 2, 0) / (n - 1) : 0;
  const half = z * Math.sqrt(variance / n);
  return { low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}

/** Majority vote over extracted answers; ties go to the answer seen first. Returns whether the vote is correct. */
export function majorityCorrect(outcome: ProblemOutcome): boolean {
  const counts = new Map<string, { n: number; first: number; correct: boolean }>();
  outcome.answers.forEach((answer, i) => {
    if (answer === null) return;
    const entry = counts.get(answer);
    if (entry) entry.n += 1;
    else counts.set(answer, { n: 1, first: i, correct: outcome.correct[i] ?? false });
  });
  let best: { n: number; first: number; correct: boolean } | undefined;
  for (const entry of counts.values()) {
    if (!best || entry.n > best.n || (entry.n === best.n && entry.first < best.first)) best = entry;
  }
  return best?.correct ?? false;
}

export interface AccuracyMetrics {
  problems: number;
  samplesPerProblem: number;
  /** Mean over problems of the share of correct samples. */
  pass1: number;
  pass1Ci: Interval;
  majK: number;
  passK: number;
}

/** Accuracy metrics of a set of problem outcomes (all with the same K). */
export function accuracyMetrics(outcomes: ProblemOutcome[]): AccuracyMetrics {
  const k = Math.max(0, ...outcomes.map((o) => o.correct.length));
  const means = outcomes.map((o) =>
    o.correct.length ? o.correct.filter(Boolean).length / o.correct.length : 0,
  );
  const pass1 = means.length ? means.reduce((a, b) => a + b, 0) / means.length : 0;
  const majK = outcomes.length ? outcomes.filter(majorityCorrect).length / outcomes.length : 0;
  const passK = outcomes.length
    ? outcomes.reduce(
        (a, o) => a + passAtK(o.correct.length, o.correct.filter(Boolean).length, o.correct.length),
        0,
      ) / outcomes.length
    : 0;
  return {
    problems: outcomes.length,
    samplesPerProblem: k,
    pass1,
    pass1Ci: pass1Interval(means),
    majK,
    passK,
  };
}
