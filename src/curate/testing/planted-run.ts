import type { SyntheticSampleInput } from './synthetic-samples.ts';

type Input = Omit<SyntheticSampleInput, 'runId'>;

/** The GSM8K slice's first prompt (shipped fixture), planted as contamination. */
export const GSM8K_FIRST_PROMPT =
  "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";

function addition(id: string, a: number, b: number, idx = 0, extra: Partial<Input> = {}): Input {
  const sum = a + b;
  return {
    problemId: id,
    sampleIdx: idx,
    prompt: `Compute the sum of ${a} and ${b}, showing each column.`,
    gold: String(sum),
    reasoning: `Add ${a} and ${b} column by column (attempt ${idx}). The ones give ${(a % 10) + (b % 10)}. So the answer is ${sum}.`,
    answer: `The answer is \\boxed{${sum}}.`,
    ...extra,
  };
}

/**
 * A small run with one planted bad row of every kind, and the reason curation must give each.
 * Clean problems p1–p4 have two correct samples each (distinct traces).
 */
export function plantedRun(): { inputs: Input[]; expected: Record<string, string> } {
  const inputs: Input[] = [];
  const expected: Record<string, string> = {};
  const plant = (input: Input, reason: string) => {
    inputs.push(input);
    expected[`${input.problemId}#${input.sampleIdx ?? 0}`] = reason;
  };
  for (const [i, [a, b]] of [
    [12, 30],
    [41, 7],
    [230, 45],
    [19, 81],
  ].entries()) {
    plant(addition(`p${i + 1}`, a as number, b as number, 0), 'kept');
    plant(addition(`p${i + 1}`, a as number, b as number, 1), 'kept');
  }
  plant(addition('p1', 12, 30, 2, { answer: 'The answer is \\boxed{41}.' }), 'incorrect');
  plant(
    addition('p2', 41, 7, 2, {
      reasoning: 'I am ChatGPT, a model trained by OpenAI. 41 + 7 = 48. So the answer is 48.',
    }),
    'identity',
  );
  plant(
    addition('p3', 230, 45, 2, {
      reasoning: 'Add 230 and 45 column by column (attempt 0). The ones give 5. So the answer is 275.',
    }),
    'duplicate-trace',
  );
  plant(addition('p4', 19, 81, 2, { finishReason: 'length', answer: '' }), 'truncation');
  plant(
    addition('p5', 12, 30, 0, { prompt: 'Compute the sum of 12 and 30, showing each column.' }),
    'duplicate-prompt',
  );
  plant(
    {
      problemId: 'gsm-copy',
      prompt: `Question: ${GSM8K_FIRST_PROMPT}`,
      gold: '18',
      reasoning: '16 - 3 - 4 = 9 eggs; 9 × 2 = 18 dollars. So the answer is 18.',
      answer: 'The answer is \\boxed{18}.',
      family: 'word',
    },
    'contaminated',
  );
  plant(
    {
      problemId: 'file-copy',
      prompt: 'A train leaves at 3 pm and travels 120 km at 60 km/h. When does it arrive?',
      gold: '5',
      reasoning: '120 / 60 = 2 hours after 3 pm is 5 pm. So the answer is 5.',
      answer: 'The answer is \\boxed{5}.',
      family: 'word',
    },
    'contaminated',
  );
  plant(
    {
      problemId: 'zh',
      prompt: 'What is 6 times 7?',
      gold: '42',
      reasoning: '我们计算六乘以七，六乘以七等于四十二，所以答案是四十二。 6 × 7 = 42.',
      answer: 'The answer is \\boxed{42}.',
      family: 'multiply',
    },
    'language',
  );
  plant(
    {
      problemId: 'loop',
      prompt: 'What is 9 times 9?',
      gold: '81',
      reasoning: `${'Wait, let me recompute nine times nine. '.repeat(9)}So the answer is 81.`,
      answer: 'The answer is \\boxed{81}.',
      family: 'multiply',
    },
    'repetition',
  );
  return { inputs, expected };
}
