import { describe, expect, it } from 'vitest';
import { repeatedArg } from './args.ts';

describe('repeatedArg', () => {
  it('collects every --teacher in order, in both spellings, and falls back to the parsed value', () => {
    expect(repeatedArg(['--teacher', 'a', '--tasks', 'x', '--teacher=b'], 'teacher', 'b')).toEqual([
      'a',
      'b',
    ]);
    expect(repeatedArg(['--teachers', 'pool.yaml'], 'teacher', undefined)).toEqual([]);
    expect(repeatedArg([], 'teacher', 'only')).toEqual(['only']);
    expect(repeatedArg(['--', '--teacher', 'z'], 'teacher', undefined)).toEqual([]);
  });

  it('reads the option it is asked for only (eval --model)', () => {
    expect(
      repeatedArg(['--model', 'a', '--models', 'no', '--model=b', '--teacher', 'c'], 'model', 'b'),
    ).toEqual(['a', 'b']);
  });
});
