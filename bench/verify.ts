// Answer-check throughput and agreement on mixed (gold, pred) pairs: the conformance corpus (long
// solutions, relations, matrices, number formats, …), the equivalence fixture table (MATH-500 / GSM8K
// answers in other surface forms, positives and negatives) and built-in task problems (reference replies
// and wrong answers). Runs the TypeScript verifier (in process and through the worker-pool batch API) and
// Hugging Face Math-Verify (the `--verifier math-verify` pool; its venv is built on first use) on the SAME
// pairs in one run; prints checks/s, the speed ratio and each one's agreement with the expected verdicts.
// Run: npx tsx bench/verify.ts [maxFixturePairs=600] [--no-math-verify]
import { readFileSync } from 'node:fs';
import { openMathVerifyPool } from '../src/cli/verifier.ts';
import { FAMILIES, generateBuiltin } from '../src/tasks/index.ts';
import { type VerifyInput, verifyAnswer, verifyBatch } from '../src/verify/index.ts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withMathVerify = !process.argv.includes('--no-math-verify');
const maxFixtures = Number(positional[0] ?? 600);
const conformancePairs: (VerifyInput & { expected: boolean })[] = readFileSync(
  new URL('../src/verify/fixtures/conformance-cases.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => {
    const c = JSON.parse(line) as { gold: string; pred: string; kind?: 'math' | 'choice'; expected: boolean };
    return { gold: c.gold, pred: c.pred, ...(c.kind ? { kind: c.kind } : {}), expected: c.expected };
  });
const fixturePairs: (VerifyInput & { expected: boolean })[] = readFileSync(
  new URL('../src/verify/fixtures/equivalence-cases.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(0, maxFixtures)
  .map((line) => {
    const c = JSON.parse(line) as { gold: string; pred: string; expected: boolean };
    return { gold: c.gold, pred: c.pred, expected: c.expected };
  });

const taskPairs: (VerifyInput & { expected: boolean })[] = [];
for (const family of FAMILIES) {
  for (const problem of generateBuiltin({ family: family.name, count: 10, split: 'eval', seed: 1 })) {
    if (!problem.gold || !problem.reference) continue;
    const kind = problem.answerKind;
    taskPairs.push({
      gold: problem.gold,
      pred: `${problem.reference.reasoning}\n\n${problem.reference.answer}`,
      kind,
      expected: true,
    });
    taskPairs.push({
      gold: problem.gold,
      pred: `So the answer is \\boxed{${problem.gold}x}.`,
      kind,
      expected: false,
    });
  }
}
const pairs = [...conformancePairs, ...fixturePairs, ...taskPairs];
const pct = (n: number) => `${((100 * n) / pairs.length).toFixed(2)}%`;

function rate(label: string, run: () => void, rounds = 1): number {
  const start = performance.now();
  for (let r = 0; r < rounds; r++) run();
  const perSecond = (pairs.length * rounds) / ((performance.now() - start) / 1000);
  console.log(`${label}: ${Math.round(perSecond).toLocaleString('en-US')} checks/s`);
  return perSecond;
}

let sink = 0;
const baseline = rate(
  'baseline: exact string comparison',
  () => {
    for (const p of pairs) if (p.gold.trim() === p.pred.trim()) sink++;
  },
  20,
);

// Warm the symbolic engine once, as a long-running process would be.
verifyAnswer({ gold: '3\\sqrt{13}', pred: '\\sqrt{117}' });
let agree = 0;
const inProcess = rate('verifyAnswer (in process)', () => {
  for (const p of pairs) if (verifyAnswer(p).correct === p.expected) agree++;
});

const start = performance.now();
const verdicts = await verifyBatch(pairs);
const batchRate = pairs.length / ((performance.now() - start) / 1000);
console.log(
  `verifyBatch (1 worker, incl. start-up): ${Math.round(batchRate).toLocaleString('en-US')} checks/s`,
);
const batchAgree = verdicts.filter((v, i) => v.correct === pairs[i]?.expected).length;

console.log(
  `pairs: ${pairs.length} (${conformancePairs.length} conformance, ${fixturePairs.length} fixture, ` +
    `${taskPairs.length} task-family); agreement with expected: ${pct(agree)} in process, ${pct(batchAgree)} batch`,
);
console.log(
  `ratio vs exact string comparison: in process ${(inProcess / baseline).toExponential(2)}x, ` +
    `batch ${(batchRate / baseline).toExponential(2)}x (baseline hits: ${sink})`,
);

if (withMathVerify) {
  const pool = await openMathVerifyPool({ workers: 1 });
  try {
    // Start the worker (Python, sympy, the LaTeX parser) before timing, as for the TS warm-up above.
    await pool.check({ gold: '3\\sqrt{13}', pred: '$\\sqrt{117}$' });
    const mvStart = performance.now();
    const mv = await pool.checkMany(pairs);
    const mvRate = pairs.length / ((performance.now() - mvStart) / 1000);
    const mvAgree = mv.filter((v, i) => v.correct === pairs[i]?.expected).length;
    const bothWrong = mv.filter((v, i) => v.correct !== pairs[i]?.expected).length;
    console.log(
      `Math-Verify 0.9.0 (1 worker process): ${Math.round(mvRate).toLocaleString('en-US')} checks/s; ` +
        `agreement with expected: ${pct(mvAgree)} (${bothWrong} wrong)`,
    );
    console.log(
      `speed ratio TS / Math-Verify: in process ${(inProcess / mvRate).toFixed(1)}x, batch ${(batchRate / mvRate).toFixed(1)}x; ` +
        `agreement TS ${pct(agree)} vs Math-Verify ${pct(mvAgree)}`,
    );
    const byCorpus = (verdicts: boolean[]) =>
      conformancePairs.filter((p, i) => verdicts[i] === p.expected).length;
    console.log(
      `conformance corpus alone: TS ${byCorpus(verdicts.map((v) => v.correct))}/${conformancePairs.length}, ` +
        `Math-Verify ${byCorpus(mv.map((v) => v.correct))}/${conformancePairs.length}`,
    );
  } finally {
    pool.close();
  }
}
