// bench/eval: problems/s of `distill eval` on a tiny local student, batched (many sequences per decode) vs one at
// a time, on the same built-in eval problems. Usage: npx tsx bench/eval.ts [model.gguf] [--problems 500]
import { existsSync } from 'node:fs';
import { checkAnswer, collectProblems } from '../src/eval/evaluate.ts';
import { runEval } from '../src/eval/run-eval.ts';
import { loadModel } from '../src/runtime/local-model.ts';

const args = process.argv.slice(2);
const model = args.find((a) => a.endsWith('.gguf')) ?? 'models/distill-teacher-q8_0.gguf';
const n = Number(args[args.indexOf('--problems') + 1] ?? 500) || 500;
if (!existsSync(model)) {
  process.stderr.write(`bench/eval: ${model} not found\n`);
  process.exit(2);
}
const perFamily = Math.ceil(n / 2);
const problems = (await collectProblems(`add:${perFamily}:eval,reverse:${perFamily}:eval`)).slice(0, n);
const settings = { samples: 1, temperature: 0, topP: 1, maxTokens: 400, thinkingBudget: null, seed: 1 };

async function measure(slots: number, label: string): Promise<{ rate: number; pass1: number }> {
  const local = await loadModel(model, { slots, contextPerSequence: 1024 });
  try {
    const started = performance.now();
    const rows = await runEval({ model: local, problems, settings, check: checkAnswer, concurrency: slots });
    const seconds = (performance.now() - started) / 1000;
    const pass1 = rows.filter((r) => r.correct).length / rows.length;
    const tokens = rows.reduce((a, r) => a + r.reasoningTokens + r.answerTokens, 0);
    process.stdout.write(
      `${label.padEnd(22)} ${problems.length} problems in ${seconds.toFixed(1)} s: ${(problems.length / seconds).toFixed(2)} problems/s, ${(tokens / seconds).toFixed(0)} tok/s, pass@1 ${(100 * pass1).toFixed(1)}%\n`,
    );
    return { rate: problems.length / seconds, pass1 };
  } finally {
    await local.dispose();
  }
}

process.stdout.write(`bench/eval on ${model}\n`);
const single = await measure(1, 'one at a time');
const batched = await measure(32, 'batched (32 slots)');
process.stdout.write(
  `ratio batched / one at a time: ${(batched.rate / single.rate).toFixed(2)}x (same answers: ${single.pass1 === batched.pass1})\n`,
);
