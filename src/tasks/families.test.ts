import { describe, expect, it } from 'vitest';
import { lastBoxed } from '../core/boxed.ts';
import { type Problem, ProblemSchema } from '../core/problem.ts';
import { generateBuiltin } from './generate.ts';
import { FAMILIES } from './registry.ts';

/** Recompute the answer from the prompt alone, independently of the generators. */
function solve(family: string, prompt: string): string | undefined {
  const quoted = [...prompt.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
  switch (family) {
    case 'add':
    case 'multiply':
    case 'expr': {
      const expression = /^What is (.+)\?$/.exec(prompt)?.[1] ?? '';
      if (!/^[\d\s+\-*()]+$/.test(expression)) return `not an expression: ${expression}`;
      return String(Function(`return (${expression});`)());
    }
    case 'letters':
      return String([...(quoted[1] ?? '')].filter((c) => c === quoted[0]).length);
    case 'reverse':
      return [...(quoted[0] ?? '')].reverse().join('');
    case 'sort':
      return (prompt.match(/\d+/g) ?? [])
        .map(Number)
        .sort((a, b) => a - b)
        .join(', ');
    default:
      return undefined;
  }
}

/** Every `a op b = c` written in the reasoning must be true arithmetic. */
function checkEquations(reasoning: string): number {
  let checked = 0;
  for (const m of reasoning.matchAll(/(?<![\d)])(\d+) ([+\-*/]) (\d+)(?: ([+-]) (\d+))? = (\d+)(?![\d*])/g)) {
    const [, a, op, b, op2, c, result] = m;
    let v = op === '+' ? +a! + +b! : op === '-' ? +a! - +b! : op === '*' ? +a! * +b! : +a! / +b!;
    if (op2) v = op2 === '+' ? v + +c! : v - +c!;
    if (String(v) !== result) throw new Error(`wrong arithmetic: ${m[0]}`);
    checked += 1;
  }
  return checked;
}

interface Checked {
  problems: number;
  failures: string[];
  equations: number;
}

function checkFamily(name: string, level: number): Checked {
  const result: Checked = { problems: 0, failures: [], equations: 0 };
  const fail = (p: Problem, why: string): void => {
    result.failures.push(`${why}: ${p.prompt}`);
  };
  for (const p of generateBuiltin({ family: name, count: 120, split: 'train', level, seed: 7 })) {
    result.problems += 1;
    if (!ProblemSchema.safeParse(p).success) fail(p, 'schema');
    if (p.source.kind !== 'builtin' || p.source.level !== level || p.source.split !== 'train')
      fail(p, 'source');
    const { reasoning, answer } = p.reference ?? { reasoning: '', answer: '' };
    if (lastBoxed(answer) !== p.gold) fail(p, `boxed ${lastBoxed(answer)} ≠ gold ${p.gold}`);
    if (answer !== `The answer is \\boxed{${p.gold}}.`) fail(p, `answer text ${answer}`);
    if (reasoning.split('\n').at(-1) !== `So the answer is ${p.gold}.`) fail(p, 'closing line');
    if (/\n\n|undefined|NaN/.test(reasoning)) fail(p, 'malformed reasoning');
    const solved = solve(name, p.prompt);
    if (solved !== undefined && solved !== p.gold) fail(p, `solved ${solved} ≠ gold ${p.gold}`);
    try {
      result.equations += checkEquations(reasoning);
    } catch (error) {
      fail(p, String(error));
    }
    // Compact enough for a tiny character-level model.
    if (reasoning.length > (level === 1 ? 300 : 650)) fail(p, `reasoning of ${reasoning.length} chars`);
    if (p.prompt.length > 300) fail(p, 'long prompt');
  }
  return result;
}

// The code family's answers are programs, checked by running them (src/tasks/families/code.test.ts).
describe.each(FAMILIES.filter((f) => f.name !== 'code').map((f) => [f.name, f] as const))(
  'family %s',
  (name, family) => {
    it.each(Array.from({ length: family.levels }, (_, i) => i + 1))(
      'level %i: the reference answer is consistent with the gold and the prompt',
      (level) => {
        const checked = checkFamily(name, level);
        expect(checked.failures).toEqual([]);
        expect(checked.problems).toBe(120);
        if (['add', 'multiply', 'expr', 'word'].includes(name))
          expect(checked.equations).toBeGreaterThan(120);
      },
    );
  },
);

describe('word problems', () => {
  it('chain the running total from the start through every event to the gold', () => {
    const failures: string[] = [];
    for (const p of generateBuiltin({ family: 'word', count: 300, split: 'train', seed: 3 })) {
      const lines = p.reference!.reasoning.split('\n');
      let total = Number(/starts with (\d+)/.exec(lines[0]!)?.[1]);
      if (!p.prompt.includes(`has ${total} `)) failures.push(`start: ${p.prompt}`);
      for (const line of lines.slice(1, -1)) {
        const last = [...line.matchAll(/(\d+) ([+\-*/]) (\d+) = (\d+)/g)].at(-1);
        if (!last || Number(last[1]) !== total) failures.push(`chain: ${line}`);
        total = Number(last?.[4]);
      }
      if (String(total) !== p.gold) failures.push(`gold: ${p.prompt}`);
    }
    expect(failures).toEqual([]);
  });
});
