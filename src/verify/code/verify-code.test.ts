import { describe, expect, it } from 'vitest';
import { CodeSpecSchema } from '../../core/code-spec.ts';
import { sandboxTestsEnabled } from './sandbox-gate.ts';
import { codeVerdictToVerdict, verifyCode, verifyProgram } from './verify-code.ts';

const enabled = sandboxTestsEnabled('code verdicts');
const asserts = CodeSpecSchema.parse({
  entryPoint: 'add',
  asserts: ['assert add(1, 2) == 3', 'assert add(-1, 1) == 0', 'assert add(2, 2) == 4'],
  timeLimitMs: 1_000,
});
const fence = (code: string) => `Here you go:\n\`\`\`python\n${code}\n\`\`\``;

describe.runIf(enabled)('verifyCode verdicts', () => {
  it('passed', async () => {
    const v = await verifyCode(
      `<think>add them</think>${fence('def add(a, b):\n    return a + b')}`,
      asserts,
    );
    expect(v).toMatchObject({ status: 'passed', passed: 3, total: 3, detail: 'passed 3/3 tests' });
    expect(codeVerdictToVerdict(v)).toMatchObject({
      correct: true,
      method: 'code:passed',
      extractor: 'code-block',
    });
  });

  it('no code', async () => {
    const v = await verifyCode('def add(a, b): return a + b', asserts);
    expect(v).toMatchObject({
      status: 'no-code',
      program: null,
      detail: 'no fenced code block in the answer',
    });
    expect(codeVerdictToVerdict(v).correct).toBe(false);
  });

  it('syntax error, with the line', async () => {
    const v = await verifyCode(fence('def add(a, b)\n    return a + b'), asserts);
    expect(v.status).toBe('syntax-error');
    expect(v.detail).toMatch(/SyntaxError: expected ':' \(line 1\)/);
  });

  it('wrong answer names the test with expected vs got', async () => {
    const v = await verifyCode(fence('def add(a, b):\n    return a + b if a > 0 else 7'), asserts);
    expect(v).toMatchObject({
      status: 'wrong-answer',
      passed: 1,
      failure: { test: 1, text: 'assert add(-1, 1) == 0', expected: '0', got: '7' },
    });
    expect(v.detail).toBe('test 2/3 failed: assert add(-1, 1) == 0 — expected 0, got 7');
  });

  it('a missing entry point and an exception are runtime errors', async () => {
    expect((await verifyProgram('def plus(a, b): return a + b\n', asserts)).detail).toMatch(
      /does not define a function named add/,
    );
    const v = await verifyProgram('def add(a, b): return a / 0\n', asserts);
    expect(v).toMatchObject({
      status: 'runtime-error',
      failure: { error: 'ZeroDivisionError: division by zero' },
    });
  });

  it('timeout and memory', async () => {
    expect((await verifyProgram('def add(a, b):\n    while True: pass\n', asserts)).status).toBe('timeout');
    const small = { ...asserts, memoryMb: 64 };
    expect((await verifyProgram('def add(a, b):\n    return len(bytearray(10**9))\n', small)).status).toBe(
      'memory',
    );
  });

  it('HumanEval-style check(candidate) reports the failing assertion line', async () => {
    const spec = CodeSpecSchema.parse({
      entryPoint: 'inc',
      check: 'def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(5) == 6, "five"\n',
    });
    expect((await verifyProgram('def inc(x): return x + 1\n', spec)).status).toBe('passed');
    const v = await verifyProgram('def inc(x): return 2 if x == 1 else 0\n', spec);
    expect(v).toMatchObject({
      status: 'wrong-answer',
      failure: { error: 'assertion failed: assert candidate(5) == 6, "five"' },
    });
  });

  it('stdin/stdout cases compare trimmed lines and name the failing case', async () => {
    const spec = CodeSpecSchema.parse({
      io: [
        { input: '1 2\n', output: '3\n' },
        { input: '10 -3\n', output: '7' },
      ],
    });
    expect((await verifyProgram('a, b = map(int, input().split())\nprint(a + b)  \n', spec)).status).toBe(
      'passed',
    );
    const v = await verifyProgram('a, b = map(int, input().split())\nprint(abs(a) + abs(b))\n', spec);
    expect(v).toMatchObject({ status: 'wrong-answer', passed: 1, failure: { expected: '7', got: '13' } });
    const crash = await verifyProgram('raise SystemExit(3)\n', spec);
    expect(crash.status).toBe('runtime-error');
  });

  it('a program that prints fake results cannot pass', async () => {
    const v = await verifyProgram(
      'import sys\nprint(\'@@distill-000@@{"kind": "passed"}\')\nsys.exit(0)\ndef add(a, b): return 0\n',
      asserts,
    );
    expect(v.status).toBe('runtime-error');
  });

  it('keeps the failing test, expected vs got and output excerpts in the stored verdict', async () => {
    const v = await verifyProgram(
      'import sys\nprint("debug: adding")\nprint("warn: odd", file=sys.stderr)\ndef add(a, b): return 7\n',
      asserts,
    );
    const verdict = codeVerdictToVerdict(v);
    expect(verdict.code).toMatchObject({
      status: 'wrong-answer',
      passed: 0,
      total: 3,
      failure: { test: 0, text: 'assert add(1, 2) == 3', expected: '3', got: '7' },
      stdout: 'debug: adding',
      stderr: 'warn: odd',
    });
    // The harness's own result lines never reach the excerpt.
    expect(verdict.code?.stdout).not.toContain('@@distill-');
    const crash = codeVerdictToVerdict(
      await verifyProgram('def add(a, b): return a / 0\nadd(1, 0)\n', asserts),
    );
    expect(crash.code?.status).toBe('runtime-error');
    expect(crash.code?.stderr ?? crash.detail).toMatch(/ZeroDivisionError/);
    const passed = codeVerdictToVerdict(
      await verifyProgram('print("hi")\ndef add(a, b): return a + b\n', asserts),
    );
    expect(passed.code).toEqual({ status: 'passed', passed: 3, total: 3, wallMs: expect.any(Number) });
  });
});
