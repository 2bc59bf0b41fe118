import { describe, expect, it } from 'vitest';
import { splitGsm8kAnswer } from '../../src/core/gsm8k-answer.ts';
import { parseGsm8kSolution } from '../../src/tasks/datasets/gsm8k-answer.ts';
import { goldAnswer, verifyAnswer } from '../../src/verify/verify-answer.ts';

describe('splitGsm8kAnswer (the one #### reader)', () => {
  it('takes the answer after the last #### on the last line, thousands separators removed', () => {
    expect(splitGsm8kAnswer('a\nb\n#### 1,006\n')).toEqual({ before: 'a\nb\n', answer: '1006' });
    expect(splitGsm8kAnswer('#### -1,234.5')?.answer).toBe('-1234.5');
    expect(splitGsm8kAnswer('#### 1,2')?.answer).toBe('1,2');
    expect(splitGsm8kAnswer('x #### 3 #### 4')?.answer).toBe('4');
  });

  it('is null when the last non-empty line has no #### answer (a Markdown heading earlier is not one)', () => {
    expect(splitGsm8kAnswer('#### Step 1\nadd them: 5')).toBeNull();
    expect(splitGsm8kAnswer('the answer is 5')).toBeNull();
    expect(splitGsm8kAnswer('text\n####   \n')).toBeNull();
  });

  it('gives the same gold to the tasks layer and the verifier', () => {
    for (const text of [
      'Total 1,000+6=<<1000+6=1006>>1,006\n#### 1,006',
      'so 72\n#### 72',
      'q\n#### \\frac{1}{2}',
    ]) {
      expect(goldAnswer(text)).toBe(parseGsm8kSolution(text).gold);
    }
    // The verifier used to keep `1,006` from a #### gold; both layers now read 1006.
    expect(goldAnswer('#### 1,006')).toBe('1006');
    expect(
      verifyAnswer({ gold: 'He has 1,006.\n#### 1,006', pred: 'So the answer is \\boxed{1006}.' }).correct,
    ).toBe(true);
  });
});
