import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxTestsEnabled } from '../../verify/code/sandbox-gate.ts';
import { verifyProgram } from '../../verify/code/verify-code.ts';
import { loadProblems } from '../load.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-code-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  // MBPP style
  {
    task_id: 2,
    prompt: 'Write a function to find the shared elements of two lists.',
    test_list: ['assert set(similar_elements((3, 4, 5), (5, 7, 4))) == {4, 5}'],
    test_setup_code: 'import math',
  },
  // stdin/stdout cases
  { prompt: 'Read two integers and print their sum.', tests: [{ input: '1 2', output: '3' }] },
  // APPS / LiveCodeBench style
  {
    question: 'Print the input doubled.',
    input_output: JSON.stringify({ inputs: ['4\n'], outputs: ['8\n'] }),
  },
  // HumanEval style
  {
    prompt: 'def inc(x):',
    entry_point: 'inc',
    test: 'def check(candidate):\n    assert candidate(1) == 2\n',
  },
  // a math row stays a math row
  { question: 'What is 2 + 2?', answer: '4' },
];

async function load() {
  const file = join(dir, 'code.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const out = [];
  for await (const p of loadProblems(`jsonl:${file}`)) out.push(p);
  return out;
}

describe('jsonl: code rows', () => {
  it('reads MBPP, stdin/stdout, APPS and HumanEval shaped rows as code problems; math rows stay math', async () => {
    const [mbpp, io, apps, he, math] = await load();
    expect(mbpp?.code).toMatchObject({ asserts: rows[0]?.test_list, prelude: 'import math' });
    expect(io?.code?.io).toEqual([{ input: '1 2', output: '3' }]);
    expect(apps?.code?.io).toEqual([{ input: '4\n', output: '8\n' }]);
    expect(he?.code).toMatchObject({ entryPoint: 'inc', check: rows[3]?.test });
    expect([mbpp, io, apps, he].map((p) => p?.gold)).toEqual([undefined, undefined, undefined, undefined]);
    expect(math?.code).toBeUndefined();
    expect(math?.gold).toBe('4');
  });

  it.runIf(sandboxTestsEnabled('jsonl code rows'))('their tests run in the sandbox', async () => {
    const [mbpp, io, apps] = await load();
    const shared = 'def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n';
    expect((await verifyProgram(shared, mbpp!.code!)).status).toBe('passed');
    expect((await verifyProgram('print(sum(map(int, input().split())))\n', io!.code!)).status).toBe('passed');
    expect((await verifyProgram('print(int(input()) * 3)\n', apps!.code!)).status).toBe('wrong-answer');
  });
});
