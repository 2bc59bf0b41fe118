import { closingLine, type TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';
import { columnAddLines, digitAt, digitCount } from './column-arithmetic.ts';

/** A number with `n` digits, none of them zero (so no partial product is trivially 0). */
function nonZeroDigits(rng: Rng, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + rng.int(i === 0 && n === 1 ? 2 : 1, 9);
  return v;
}

/** `a * d` for one digit d, one line per digit of a: `4 * 6 + 4 = 28, write 8, carry 2.` */
function digitProductLines(a: number, d: number): string[] {
  const lines: string[] = [];
  const n = digitCount(a);
  let carry = 0;
  for (let i = 0; i < n; i++) {
    const x = digitAt(a, i);
    const p = x * d + carry;
    const lhs = carry === 0 ? `${x} * ${d}` : `${x} * ${d} + ${carry}`;
    if (i === n - 1) lines.push(`${lhs} = ${p}, write ${p}.`);
    else lines.push(`${lhs} = ${p}, write ${p % 10}, carry ${Math.floor(p / 10)}.`);
    carry = Math.floor(p / 10);
  }
  return lines;
}

/** Multi-digit multiplication: one partial product per digit of the multiplier, then a column addition. */
export const multiplyFamily: TaskFamily = {
  name: 'multiply',
  description: 'Multi-digit multiplication via digit-by-digit partial products and a column addition',
  levels: 3,
  levelNotes: ['2- or 3-digit × 1-digit', '2-digit × 2-digit', '3-digit × 2-digit'],
  answerKind: 'math',
  draw(rng, level) {
    const a = level === 1 ? rng.digits(rng.chance(0.5) ? 2 : 3) : rng.digits(level);
    const b = nonZeroDigits(rng, level === 1 ? 1 : 2);
    return {
      canonical: `multiply|${Math.min(a, b)}*${Math.max(a, b)}`,
      render() {
        const product = a * b;
        const prompt = `What is ${a} * ${b}?`;
        const ones = b % 10;
        if (b < 10) {
          const reasoning = [
            `Let me multiply ${a} by ${b} digit by digit from the right.`,
            ...digitProductLines(a, b),
            `That gives ${a} * ${b} = ${product}.`,
            closingLine(String(product)),
          ].join('\n');
          return { prompt, reasoning, gold: String(product) };
        }
        const tens = Math.floor(b / 10);
        const p1 = a * ones;
        const p2 = a * tens;
        const reasoning = [
          `Let me multiply ${a} by ${ones}, then by ${tens}0.`,
          ...digitProductLines(a, ones),
          `So ${a} * ${ones} = ${p1}.`,
          `Now ${a} * ${tens}.`,
          ...digitProductLines(a, tens),
          `So ${a} * ${tens} = ${p2}, and ${a} * ${tens}0 = ${p2 * 10}.`,
          `Now add ${p1} + ${p2 * 10}.`,
          ...columnAddLines(p1, p2 * 10),
          `That gives ${a} * ${b} = ${product}.`,
          closingLine(String(product)),
        ].join('\n');
        return { prompt, reasoning, gold: String(product) };
      },
    };
  },
};
