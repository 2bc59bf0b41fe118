import { describe, expect, it } from 'vitest';
import { teacherUris } from './generate.ts';

describe('teacherUris', () => {
  it('keeps every --teacher in order, in both spellings, and falls back to the parsed value', () => {
    expect(teacherUris(['--teacher', 'a', '--tasks', 'x', '--teacher=b'], 'b')).toEqual(['a', 'b']);
    expect(teacherUris(['--teachers', 'pool.yaml'], undefined)).toEqual([]);
    expect(teacherUris([], 'only')).toEqual(['only']);
    expect(teacherUris(['--', '--teacher', 'z'], undefined)).toEqual([]);
  });
});
