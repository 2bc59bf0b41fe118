import type { Verdict } from '../../core/verdict.ts';
import { storeWithRun } from '../../curate/testing/fixture-run.ts';
import { VERIFIER_VERSION } from '../../verify/version.ts';

const fence = (code: string) => `Here is the function:\n\`\`\`python\n${code}\n\`\`\``;

/** What a code verdict of `add` looks like when the program fails its second test (as verifyCode reports it). */
export const failingAddVerdict: Verdict = {
  correct: false,
  extracted: 'def add(a, b):\n    print("adding", a, b)\n    return a + b if a > 0 else 7',
  extractor: 'code-block',
  method: 'code:wrong-answer',
  verifierVersion: VERIFIER_VERSION,
  detail: 'test 2/3 failed: assert add(-1, 1) == 0 — expected 0, got 7',
  code: {
    status: 'wrong-answer',
    passed: 1,
    total: 3,
    failure: { test: 1, text: 'assert add(-1, 1) == 0', expected: '0', got: '7' },
    stdout: 'adding 1 2\nadding -1 1',
    wallMs: 41,
  },
};

const timeoutVerdict: Verdict = {
  correct: false,
  extracted: 'def add(a, b):\n    while True: pass',
  extractor: 'code-block',
  method: 'code:timeout',
  verifierVersion: VERIFIER_VERSION,
  detail: 'ran past the 1000 ms limit in test 1: assert add(1, 2) == 3',
  code: { status: 'timeout', passed: 0, total: 3, wallMs: 1180 },
};

/**
 * A real store with one generate run of code samples and their code verdicts: one failing a test (expected vs got,
 * stdout), one timing out, one math sample with an ordinary verdict. Call `dispose` when done.
 */
export function storeWithCodeRun(runName = 'gen-code'): ReturnType<typeof storeWithRun> {
  const fixture = storeWithRun(runName, [
    {
      problemId: 'code-add-1',
      family: 'code',
      prompt: 'Write add(a, b).',
      reasoning: 'Add them, but special-case negatives.',
      answer: fence(failingAddVerdict.extracted!),
    },
    {
      problemId: 'code-add-2',
      family: 'code',
      prompt: 'Write add(a, b) again.',
      reasoning: 'Loop until done.',
      answer: fence(timeoutVerdict.extracted!),
    },
    { problemId: 'add-3', prompt: 'What is 3 + 4?', gold: '7', reasoning: 'Seven.', answer: '\\boxed{7}' },
  ]);
  const [first, second, third] = fixture.samples;
  fixture.store.setVerdicts([
    { sampleId: first!.id, verdict: failingAddVerdict },
    { sampleId: second!.id, verdict: timeoutVerdict },
    {
      sampleId: third!.id,
      verdict: {
        correct: true,
        extracted: '7',
        extractor: 'boxed',
        method: 'exact',
        verifierVersion: VERIFIER_VERSION,
      },
    },
  ]);
  return fixture;
}
