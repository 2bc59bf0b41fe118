import { describe, expect, it } from 'vitest';
import { mapPool } from '../../verify/code/pool.ts';
import { sandboxTestsEnabled } from '../../verify/code/sandbox-gate.ts';
import { verifyCode } from '../../verify/code/verify-code.ts';
import { loadProblems, specSize } from '../load.ts';

async function all(spec: string) {
  const out = [];
  for await (const p of loadProblems(spec)) out.push(p);
  return out;
}

describe('humaneval task spec', () => {
  it('loads the shipped 164 problems as code problems with check(candidate) tests', async () => {
    expect(specSize('humaneval')).toBe(164);
    const problems = await all('humaneval');
    expect(problems).toHaveLength(164);
    const first = problems[0];
    expect(first?.meta.sourceId).toBe('HumanEval/0');
    expect(first?.code).toMatchObject({
      entryPoint: 'has_close_elements',
      prelude: 'from typing import List',
    });
    expect(first?.code?.check).toMatch(/def check\(candidate\):/);
    expect(first?.prompt).toMatch(/^Complete the Python function `has_close_elements`/);
    expect(first?.source).toMatchObject({
      kind: 'dataset',
      dataset: 'humaneval',
      row: 0,
      licenseSpdx: 'MIT',
    });
    expect(first?.gold).toBeUndefined();
    expect((await all('humaneval:3:offset=160')).map((p) => p.meta.sourceId)).toEqual([
      'HumanEval/160',
      'HumanEval/161',
      'HumanEval/162',
    ]);
  });

  const slow = process.env.DISTILL_SLOW === '1';
  it.runIf(sandboxTestsEnabled('humaneval reference solutions'))(
    `reference solutions pass and an empty body fails (${slow ? 'all 164' : 'first 8; DISTILL_SLOW=1 for all'})`,
    async () => {
      const problems = await all(slow ? 'humaneval' : 'humaneval:8');
      const verdicts = await mapPool(problems, (p) => verifyCode(p.reference?.answer ?? '', p.code!));
      const failed = verdicts.flatMap((v, i) => (v.status === 'passed' ? [] : [`${i}: ${v.detail}`]));
      expect(failed).toEqual([]);
      const stub = problems[0]!;
      const v = await verifyCode(
        `\`\`\`python\n${stub.prompt.split('```python\n')[1]?.split('```')[0]}    pass\n\`\`\``,
        stub.code!,
      );
      expect(v.status).toBe('wrong-answer');
      expect(v.detail).toMatch(
        /assertion failed: assert candidate\(\[1\.0, 2\.0, 3\.9, 4\.0, 5\.0, 2\.2\], 0\.3\) == True/,
      );
    },
    slow ? 300_000 : 30_000,
  );
});
