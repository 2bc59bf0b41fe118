import { describe, expect, it } from 'vitest';
import { ProblemSchema } from '../../core/problem.ts';
import { mapPool } from '../../verify/code/pool.ts';
import { sandboxTestsEnabled } from '../../verify/code/sandbox-gate.ts';
import { verifyCode } from '../../verify/code/verify-code.ts';
import { generateBuiltin } from '../generate.ts';
import { specSize } from '../load.ts';

const problems = (level: number, count = 6) => [
  ...generateBuiltin({ family: 'code', count, split: 'train', level, seed: 7 }),
];

describe('code family', () => {
  it('yields code problems with asserts, a fenced reference program and no gold', () => {
    for (const level of [1, 2, 3])
      for (const p of problems(level, 40)) {
        expect(ProblemSchema.safeParse(p).success).toBe(true);
        expect(p.gold).toBeUndefined();
        expect(p.code?.asserts).toHaveLength(5);
        expect(p.prompt).toContain(`\`${p.code?.entryPoint}(`);
        expect(p.reference?.answer).toMatch(new RegExp(`^\`\`\`python\\ndef ${p.code?.entryPoint}\\(`));
        expect(p.reference?.reasoning.split('\n').at(-1)).toBe(`So the function is ${p.code?.entryPoint}.`);
      }
  });

  it('is not part of the standard builtin-eval set', () => {
    expect(specSize('builtin-eval:1')).toBe(21);
  });

  it.runIf(sandboxTestsEnabled('code family references'))(
    'every reference program passes its tests in the sandbox; a wrong one fails with expected vs got',
    async () => {
      const all = [1, 2, 3].flatMap((l) => problems(l, 4));
      const verdicts = await mapPool(all, (p) => verifyCode(p.reference?.answer ?? '', p.code!));
      expect(verdicts.filter((v) => v.status !== 'passed').map((v) => v.detail)).toEqual([]);
      const p = all[0]!;
      const v = await verifyCode(
        `\`\`\`python\ndef ${p.code!.entryPoint}(*a):\n    return 12345\n\`\`\``,
        p.code!,
      );
      expect(v).toMatchObject({ status: 'wrong-answer', failure: { test: 0, got: '12345' } });
    },
    30_000,
  );
});
