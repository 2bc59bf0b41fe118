import { describe, expect, it } from 'vitest';
import { extractProgram } from './extract-program.ts';

describe('extractProgram', () => {
  it('takes the last Python block of the answer, never a draft from the thinking', () => {
    const reply =
      '<think>\n```python\ndef f(): return 0\n```\n</think>\nFirst try:\n```python\ndef f(): return 1\n```\nFinal:\n```py\ndef f(): return 2\n```\nDone.';
    expect(extractProgram(reply)).toEqual({ ok: true, program: 'def f(): return 2\n', language: 'py' });
  });

  it('respects the language tag: a later shell block does not replace the Python program', () => {
    const reply = '```python\nprint(1)\n```\nRun it with:\n```bash\npython main.py\n```';
    expect(extractProgram(reply)).toMatchObject({ ok: true, program: 'print(1)\n' });
    expect(extractProgram('```\nprint(2)\n```')).toMatchObject({
      ok: true,
      program: 'print(2)\n',
      language: null,
    });
  });

  it('explains why there is no program', () => {
    expect(extractProgram('The answer is 4.')).toEqual({
      ok: false,
      reason: 'no fenced code block in the answer',
    });
    expect(extractProgram('```cpp\nint main(){}\n```')).toEqual({
      ok: false,
      reason: 'no Python code block in the answer (found blocks tagged cpp)',
    });
    expect(extractProgram('```python\ndef f():\n    return')).toMatchObject({
      ok: false,
      reason: /never closed/,
    });
    expect(extractProgram('<think>```python\nprint(1)\n```</think>no code here')).toMatchObject({
      ok: false,
    });
  });

  it('keeps inner backticks and longer fences intact', () => {
    const reply = '````python\ns = """\n```\n"""\nprint(s)\n````';
    expect(extractProgram(reply)).toMatchObject({ ok: true, program: 's = """\n```\n"""\nprint(s)\n' });
  });
});
