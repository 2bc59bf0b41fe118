import { describe, expect, it } from 'vitest';
import { lastBoxed } from '../../src/core/boxed.ts';
import { rowToProblem } from '../../src/tasks/datasets/row-to-problem.ts';
import { lastBoxed as verifyLastBoxed } from '../../src/verify/index.ts';

describe('lastBoxed (the one \\boxed{} reader, for dataset golds and replies alike)', () => {
  it('reads spaced, brace-less, escaped and unclosed boxes; null when there is none', () => {
    expect(lastBoxed('\\boxed {5}')).toBe('5');
    expect(lastBoxed('so \\boxed 7.')).toBe('7');
    expect(lastBoxed('\\boxed{\\{1, 2\\}}')).toBe('\\{1, 2\\}');
    expect(lastBoxed('\\boxed{1} then \\fbox{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(lastBoxed('\\boxed{\\frac{1}{2}')).toBe('\\frac{1}{2}');
    expect(lastBoxed('no box')).toBeNull();
    expect(verifyLastBoxed).toBe(lastBoxed);
  });

  it('gives a MATH row without an answer field the gold the verifier would read from its solution', () => {
    const solution = 'Each side is $\\sqrt{4}$, so the answer is $\\boxed {2}$.';
    const problem = rowToProblem({ problem: 'Side?', solution }, 0, { dataset: 'math' });
    // The tasks layer's own reader used to need `\boxed{` verbatim and found no gold here.
    expect(problem.gold).toBe('2');
    expect(problem.gold).toBe(verifyLastBoxed(solution));
    expect(rowToProblem({ problem: 'x?', solution: 'no box' }, 1, { dataset: 'math' }).gold).toBeUndefined();
  });
});
