import type { CodeSpecInput } from '../../core/code-spec.ts';
import type { TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';

type Value = number | string | number[];

/** A Python literal for a test value. */
function py(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  return `[${v.join(', ')}]`;
}

interface CodeTask {
  /** What the function does, for the prompt. */
  does: string;
  /** The parameter name and a random input. */
  param: string;
  input(rng: Rng): Value;
  expected(input: Value): Value;
  /** Reference reasoning lines and the function body (4-space indented). */
  plan: string[];
  body: string[];
}

const ints = (rng: Rng, n: number, max: number): number[] =>
  Array.from({ length: n }, () => rng.int(-max, max));
const word = (rng: Rng, n: number): string =>
  Array.from({ length: n }, () => rng.pick('abcdeiouxyz'.split(''))).join('');
const nums = (v: Value) => v as number[];
const str = (v: Value) => v as string;

/** Tasks per level: level 1 one pass, level 2 one pass with a condition, level 3 state across the pass. */
const TASKS: readonly (readonly CodeTask[])[] = [
  [
    {
      does: 'returns the sum of the integers in the list `xs`',
      param: 'xs',
      input: (rng) => ints(rng, rng.int(0, 6), 50),
      expected: (v) => nums(v).reduce((a, b) => a + b, 0),
      plan: [
        'Start a total at 0.',
        'Add each number of xs to it.',
        'Return the total (0 for an empty list).',
      ],
      body: ['total = 0', 'for x in xs:', '    total += x', 'return total'],
    },
    {
      does: 'returns the string `s` reversed',
      param: 's',
      input: (rng) => word(rng, rng.int(0, 8)),
      expected: (v) => str(v).split('').reverse().join(''),
      plan: ['A slice with step -1 reads the string from the end.', 'Return s[::-1].'],
      body: ['return s[::-1]'],
    },
  ],
  [
    {
      does: 'returns how many vowels (a, e, i, o, u) the lowercase string `s` contains',
      param: 's',
      input: (rng) => word(rng, rng.int(0, 10)),
      expected: (v) => str(v).replace(/[^aeiou]/g, '').length,
      plan: ['Go through the letters of s.', 'Count those that are in "aeiou".', 'Return the count.'],
      body: ['return sum(1 for c in s if c in "aeiou")'],
    },
    {
      does: 'returns the even integers of the list `xs`, in their original order',
      param: 'xs',
      input: (rng) => ints(rng, rng.int(0, 7), 30),
      expected: (v) => nums(v).filter((x) => x % 2 === 0),
      plan: ['An integer is even when x % 2 == 0 (also for negatives in Python).', 'Keep those, in order.'],
      body: ['return [x for x in xs if x % 2 == 0]'],
    },
  ],
  [
    {
      does: 'returns the running sums of the list `xs` (element i is xs[0] + ... + xs[i])',
      param: 'xs',
      input: (rng) => ints(rng, rng.int(0, 7), 20),
      expected: (v) => {
        let t = 0;
        return nums(v).map((x) => {
          t += x;
          return t;
        });
      },
      plan: [
        'Keep a running total starting at 0.',
        'After adding each number, append the total.',
        'Return the list.',
      ],
      body: [
        'out = []',
        'total = 0',
        'for x in xs:',
        '    total += x',
        '    out.append(total)',
        'return out',
      ],
    },
    {
      does: 'returns the list `xs` without repeated values, keeping the first occurrence of each, in order',
      param: 'xs',
      input: (rng) => ints(rng, rng.int(0, 8), 4),
      expected: (v) => [...new Set(nums(v))],
      plan: ['Remember the values seen so far in a set.', 'Append a value only the first time it is seen.'],
      body: [
        'seen = set()',
        'out = []',
        'for x in xs:',
        '    if x not in seen:',
        '        seen.add(x)',
        '        out.append(x)',
        'return out',
      ],
    },
  ],
];

const NAMES = ['solve', 'compute', 'transform', 'answer', 'process'];
const TESTS = 5;

/** Write a small Python function, checked by running asserts in the code sandbox. */
export const codeFamily: TaskFamily = {
  name: 'code',
  description:
    'Write a small Python function (sum, reverse, count, filter, running sums, dedupe), run against tests',
  levels: TASKS.length,
  levelNotes: ['one pass (sum, reverse)', 'one pass with a condition', 'state across the pass'],
  answerKind: 'exact',
  draw(rng, level) {
    const tasks = TASKS[level - 1] ?? TASKS[0] ?? [];
    const task = rng.pick(tasks);
    const name = rng.pick(NAMES);
    const inputs = Array.from({ length: TESTS }, () => task.input(rng));
    const asserts = inputs.map((i) => `assert ${name}(${py(i)}) == ${py(task.expected(i))}`);
    return {
      // What the prompt shows (task, name, the example): problems that read the same share a split.
      canonical: `code|${task.does}|${asserts[0]}`,
      render() {
        const program = [`def ${name}(${task.param}):`, ...task.body.map((l) => `    ${l}`)].join('\n');
        const [example] = asserts;
        const code: CodeSpecInput = { entryPoint: name, asserts, timeLimitMs: 5_000, memoryMb: 256 };
        return {
          prompt: `Write a Python function \`${name}(${task.param})\` that ${task.does}. For example, \`${example?.slice(7)}\`. Reply with the function in a \`\`\`python code block.`,
          reasoning: [...task.plan, `So the function is ${name}.`].join('\n'),
          gold: program,
          answer: `\`\`\`python\n${program}\n\`\`\``,
          code,
        };
      },
    };
  },
};
