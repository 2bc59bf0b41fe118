// Answer-check throughput on mixed (gold, pred) pairs: the equivalence fixture table (MATH-500 / GSM8K
// answers in other surface forms, positives and negatives) plus built-in task problems (reference replies
// and wrong answers). Prints checks/s in process and through the worker-pool batch API, each as a ratio
// against exact string comparison of the same pairs measured in the same run.
// Run: npx tsx bench/verify.ts [maxFixturePairs]
import { readFileSync } from 'node:fs';
import { FAMILIES, generateBuiltin } from '../src/tasks/index.ts';
import { type VerifyInput, verifyAnswer, verifyBatch } from '../src/verify/index.ts';

const maxFixtures = Number(process.argv[2] ?? Number.MAX_SAFE_INTEGER);
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
  for (const problem of generateBuiltin({ family: family.name, count: 40, split: 'eval', seed: 1 })) {
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
const pairs = [...fixturePairs, ...taskPairs];

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
  `pairs: ${pairs.length} (${fixturePairs.length} fixture, ${taskPairs.length} task-family); ` +
    `agreement with expected: ${((100 * agree) / pairs.length).toFixed(2)}% in process, ` +
    `${((100 * batchAgree) / pairs.length).toFixed(2)}% batch`,
);
console.log(
  `ratio vs exact string comparison: in process ${(inProcess / baseline).toExponential(2)}x, ` +
    `batch ${(batchRate / baseline).toExponential(2)}x (baseline hits: ${sink})`,
);
