import { describe, expect, it } from 'vitest';
import { VerdictSchema } from '../core/verdict.ts';
import { VERIFIER_VERSION, verifyAnswer } from './index.ts';

/** (gold, pred) pairs Math-Verify scores as equal; many are taken from its documented behaviour. */
const EQUAL: [string, string][] = [
  ['\\frac{14}{3}', 'so the answer is $\\boxed{14/3}$'],
  ['-5', '-5'],
  ['7425000', '7,425,000'],
  ['1000', '1000.0'],
  ['1000.99', '1,000.99'],
  ['0.4', '.4'],
  ['10/9', '\\frac{10}{9}'],
  ['-10/9', '-\\frac{10}{9}'],
  ['1/3', '\\frac13'],
  ['1', '\\frac3{3}'],
  ['\\frac{5}{9}', '\\frac 59'],
  ['\\sqrt{3}', '\\sqrt3'],
  ['1/3', '\\dfrac{1}{3}'],
  ['1/3', '\\tfrac{1}{3}'],
  ['1/3', '\\cfrac{1}{3}'],
  ['1/3', '\\left( \\frac{1}{3} \\right)'],
  ['1/3', '\\frac{1}{3} \\text{meters}'],
  ['1/3', '$k = \\frac{1}{3}$'],
  ['\\frac{1}{2}', '0.5'],
  ['\\frac{1}{12}', '0.0833333333333333'],
  ['\\frac{1}{3}', '0.333333'],
  ['16386.17', '16386.169'],
  ['28\\%', '28'],
  ['28\\%', '28 percent'],
  ['28\\%', '$\\boxed{28\\%}$'],
  ['50\\%', '0.5'],
  ['90^\\circ', '90'],
  ['90^\\circ', '90^{\\circ}'],
  ['90', '90°'],
  ['15\\mbox{ cm}^2', '15'],
  ['\\$32,\\!348', '32348'],
  ['\\$18.90', '18.9'],
  ['11,\\! 111,\\! 111,\\! 100', '11111111100'],
  ['\\text{Evelyn}', 'Therefore, $\\boxed{\\text{Evelyn}}$ is our answer.'],
  ['\\text{E}', 'E'],
  ['\\text{C}', '\\boxed{\\text{(C)}}'],
  ['3\\sqrt{13}', '\\sqrt{117}'],
  ['\\sqrt{2}+\\sqrt{5}', '\\sqrt 2+\\sqrt 5'],
  ['\\frac{9}{4}\\pi', '\\frac94\\pi'],
  ['2\\pi', '\\pi + \\pi'],
  ['\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}'],
  ['\\tan^2(y)+1', '\\sec^2(y)'],
  ['(a+5)(b+2)', 'ab + 2a + 5b + 10'],
  ['6 - 5i', '6-5i'],
  ['(3, \\frac{\\pi}{2})', '\\left( 3, \\frac{\\pi}{2} \\right)'],
  ['(1,\\frac{9}{2})', '(1,4.5)'],
  ['[0,1)', '[0,1)'],
  ['(-\\infty, 0]', '(-\\infty,0]'],
  ['(2, 12) \\cup (12, 102)', 'x \\in (2,12) \\cup (12,102)'],
  ['(12, 102) \\cup (2, 12)', '(2,12) \\cup (12,102)'],
  ['\\{1\\pm\\sqrt{5},-2\\}', '\\{-2, 1+\\sqrt5, 1-\\sqrt{5}\\}'],
  ['-2,1', '1, -2'],
  ['1 \\pm \\sqrt{19}', '1\\pm\\sqrt{19}'],
  ['(1,3)', '{1,3}'],
  [
    '\\begin{pmatrix} -1/3 \\\\ 2/3 \\end{pmatrix}',
    '\\begin{bmatrix} -\\frac13 \\\\ \\frac23 \\end{bmatrix}',
  ],
  ['x = 11', 'x = 5+5+1 = 7 = 11'],
  ['11', '$x=11$'],
  ['y = 2x + 3', 'y=3+2x'],
  ['2x+4y-3=0', 'y=-\\frac{1}{2}x+\\frac{3}{4}'],
  ['x \\leq 5', '5 \\geq x'],
  ['x >= 5', 'x \\geq 5'],
  ['204_5', '204_{5}'],
  ['1\\frac{4}{5}', '\\frac95'],
];

/** Pairs that must NOT be equal. */
const DIFFERENT: [string, string][] = [
  ['2', 'AZYUK2A'],
  ['[0,9)', '[0,1)'],
  ['(0,9)', '[0,9)'],
  ['0.28', '28'],
  ['28/100', '28'],
  ['28', '28/100'],
  ['\\frac{1}{3}', '0.33'],
  ['\\sqrt{2}', '1.41'],
  ['2', '\\frac{1+\\sqrt{5}}{2}'],
  ['x+2n+1', 'x+1'],
  ['(a+5)(b+2)', '(+5)(b+2)'],
  ['32349', '32, 349'],
  ['(3,1)', '{1,3}'],
  ['(1,2)', '(2,1)'],
  ['1112112_3', '1112122_3'],
  ['7 = 11a+c', '11a+c'],
  ['x > 5', 'x < 5'],
  ['x \\geq 5', 'x \\leq 5'],
  ['6-5i', '6+5i'],
  ['p - q', 'q - p'],
  ['\\text{Evelyn}', '\\text{Briana}'],
  ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}'],
  ['x = 5', 'y = 5'],
  ['1234567', '1234568'],
];

describe('verifyAnswer (math)', () => {
  it.each(EQUAL)('%s ≡ %s', (gold, pred) => {
    const v = verifyAnswer({ gold, pred });
    expect(v, JSON.stringify(v)).toMatchObject({ correct: true, verifierVersion: VERIFIER_VERSION });
    expect(VerdictSchema.parse(v)).toEqual(v);
  });

  it.each(DIFFERENT)('%s ≢ %s', (gold, pred) => {
    const v = verifyAnswer({ gold, pred });
    expect(v.correct, JSON.stringify(v)).toBe(false);
  });

  it('reads the gold from a solution with \\boxed{} or ####', () => {
    expect(verifyAnswer({ gold: 'so it is $\\boxed{\\dfrac{3}{4}}$.', pred: '0.75' }).correct).toBe(true);
    expect(verifyAnswer({ gold: 'Janet makes 9 * 2 = 18.\n#### 18', pred: 'She makes $18.' }).correct).toBe(
      true,
    );
  });

  it('reports what was extracted, by which extractor, and how it was decided', () => {
    expect(verifyAnswer({ gold: '\\frac{14}{3}', pred: 'so the answer is $\\boxed{14/3}$' })).toEqual({
      correct: true,
      extracted: '14/3',
      extractor: 'boxed',
      method: 'numeric',
      verifierVersion: VERIFIER_VERSION,
    });
    expect(verifyAnswer({ gold: '3\\sqrt{13}', pred: '\\boxed{\\sqrt{117}}' }).method).toBe('symbolic');
    expect(verifyAnswer({ gold: '(1,2)', pred: '\\boxed{(1,2.0)}' }).method).toBe('set');
    expect(verifyAnswer({ gold: '5', pred: 'I do not know.' })).toMatchObject({
      correct: false,
      extracted: null,
      extractor: null,
      method: 'none',
    });
  });

  it('applies a custom relative tolerance to decimals only', () => {
    expect(verifyAnswer({ gold: '100', pred: '100.4', relTol: 1e-2 }).correct).toBe(true);
    expect(verifyAnswer({ gold: '100', pred: '101', relTol: 1e-2 }).correct).toBe(false);
  });
});

describe('verifyAnswer (exact, choice)', () => {
  it('compares trimmed strings in exact mode', () => {
    expect(verifyAnswer({ gold: 'hello world', pred: '\\boxed{hello  world}', kind: 'exact' }).correct).toBe(
      true,
    );
    expect(verifyAnswer({ gold: '1/2', pred: '\\boxed{0.5}', kind: 'exact' }).correct).toBe(false);
  });

  it('compares option letters in choice mode', () => {
    expect(verifyAnswer({ gold: 'C', pred: 'The answer is (C).', kind: 'choice' })).toMatchObject({
      correct: true,
      extracted: 'C',
      extractor: 'choice',
      method: 'choice',
    });
    expect(verifyAnswer({ gold: '\\text{(B)}', pred: '$\\boxed{\\text{B}}$', kind: 'choice' }).correct).toBe(
      true,
    );
    expect(verifyAnswer({ gold: 'B', pred: 'Answer: D', kind: 'choice' }).correct).toBe(false);
    expect(verifyAnswer({ gold: 'B', pred: 'no idea', kind: 'choice' }).method).toBe('none');
  });
});
