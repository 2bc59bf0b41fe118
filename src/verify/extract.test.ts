import { describe, expect, it } from 'vitest';
import { findBoxed } from './boxed.ts';
import { extractAnswer } from './extract.ts';

describe('extractAnswer', () => {
  it('takes the LAST \\boxed{} and balances nested braces', () => {
    const text =
      'First try $\\boxed{3}$, no wait: $\\boxed{\\frac{\\sqrt{2}}{\\left(1+\\frac{1}{2}\\right)}}$.';
    expect(extractAnswer(text)).toEqual({
      extracted: '\\frac{\\sqrt{2}}{\\left(1+\\frac{1}{2}\\right)}',
      extractor: 'boxed',
    });
  });

  it('reads \\fbox, braces-less \\boxed and escaped braces inside a box', () => {
    expect(extractAnswer('so \\fbox{42} it is').extracted).toBe('42');
    expect(extractAnswer('so \\boxed 7.').extracted).toBe('7');
    expect(extractAnswer('\\boxed{\\{1, 2\\}}').extracted).toBe('\\{1, 2\\}');
    expect(findBoxed('\\boxed{a} and \\boxed{b{c}}').map((b) => b.content)).toEqual(['a', 'b{c}']);
  });

  it('keeps an unclosed box to the end of the text', () => {
    expect(extractAnswer('the result is \\boxed{\\frac{1}{2}').extracted).toBe('\\frac{1}{2}');
  });

  it('reads GSM8K-style #### answers (the last one)', () => {
    expect(extractAnswer('She sells 9 eggs.\n#### 18\n')).toEqual({ extracted: '18', extractor: 'hash' });
    expect(extractAnswer('#### 1\nretry\n#### 1,234').extracted).toBe('1,234');
  });

  it('reads "the answer is" and "final answer:" phrases, stopping at the sentence end', () => {
    expect(extractAnswer('Thus the answer is 3.5. Done.')).toEqual({
      extracted: '3.5',
      extractor: 'answer-is',
    });
    expect(extractAnswer('Final answer: $\\frac{1}{2}$ because reasons 7')).toEqual({
      extracted: '\\frac{1}{2}',
      extractor: 'answer-is',
    });
    expect(extractAnswer('The final answer is $28\\%$. I hope it is correct.').extracted).toBe('28\\%');
    expect(extractAnswer('**Answer:** 12 apples').extracted).toBe('12');
  });

  it('falls back to the last number, including separators, decimals and negatives', () => {
    expect(extractAnswer('we get 5 apples and then -1,250.5 pears remain')).toEqual({
      extracted: '-1,250.5',
      extractor: 'last-number',
    });
    expect(extractAnswer('so we have $x = 3$, hence 12 apples in total').extracted).toBe('12');
  });

  it('takes a bare answer whole and the last math span when no number follows it', () => {
    expect(extractAnswer('y = 2x + 3')).toEqual({ extracted: 'y = 2x + 3', extractor: 'whole' });
    expect(extractAnswer('$\\frac{3}{4}$')).toEqual({ extracted: '\\frac{3}{4}', extractor: 'whole' });
    expect(extractAnswer('Putting it together we obtain $\\frac{\\pi}{6}$.')).toEqual({
      extracted: '\\frac{\\pi}{6}',
      extractor: 'last-math',
    });
  });

  it('follows a configured priority', () => {
    const text = 'The answer is 5. Later: \\boxed{6}';
    expect(extractAnswer(text).extracted).toBe('6');
    expect(extractAnswer(text, { priority: ['answer-is', 'boxed'] })).toEqual({
      extracted: '5',
      extractor: 'answer-is',
    });
    expect(extractAnswer('only words here', { priority: ['boxed'] })).toEqual({
      extracted: null,
      extractor: null,
    });
  });

  it('finds nothing in a reply without an answer', () => {
    expect(extractAnswer('I am not sure how to solve this problem.')).toEqual({
      extracted: null,
      extractor: null,
    });
  });
});
