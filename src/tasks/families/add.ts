import { closingLine, type TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';
import { columnAddLines, columnSubtractLines } from './column-arithmetic.ts';

/** Operand digits per level: level 1 two digits, level 2 three, level 3 four. */
const DIGITS = [2, 3, 4] as const;

function operands(rng: Rng, level: number): [number, number] {
  const n = DIGITS[level - 1] ?? 2;
  const a = rng.digits(n);
  const b = rng.digits(rng.chance(0.25) ? n - 1 : n);
  return rng.chance(0.5) ? [a, b] : [b, a];
}

/** Multi-digit addition and subtraction with carries and borrows, worked column by column. */
export const addFamily: TaskFamily = {
  name: 'add',
  description: 'Multi-digit addition and subtraction, column by column with carries and borrows',
  levels: DIGITS.length,
  levelNotes: ['2-digit numbers', '3-digit numbers', '4-digit numbers, results may be negative'],
  answerKind: 'math',
  draw(rng, level) {
    const [a, b] = operands(rng, level);
    const subtract = rng.chance(0.5);
    if (!subtract) {
      return {
        canonical: `add|${Math.min(a, b)}+${Math.max(a, b)}`,
        render() {
          const sum = a + b;
          const reasoning = [
            'Let me add column by column from the right.',
            ...columnAddLines(a, b),
            `That gives ${a} + ${b} = ${sum}.`,
            closingLine(String(sum)),
          ].join('\n');
          return { prompt: `What is ${a} + ${b}?`, reasoning, gold: String(sum) };
        },
      };
    }
    // Below level 3 the larger number comes first, so results stay non-negative.
    const [x, y] = level < 3 && a < b ? [b, a] : [a, b];
    return {
      canonical: `add|${x}-${y}`,
      render() {
        const diff = x - y;
        const lines = ['Let me subtract column by column from the right.'];
        if (diff < 0) {
          lines[0] = `${y} is larger than ${x}, so I compute ${y} - ${x} and put a minus sign in front.`;
          lines.push(...columnSubtractLines(y, x));
        } else lines.push(...columnSubtractLines(x, y));
        lines.push(`That gives ${x} - ${y} = ${diff}.`, closingLine(String(diff)));
        return { prompt: `What is ${x} - ${y}?`, reasoning: lines.join('\n'), gold: String(diff) };
      },
    };
  },
};
