import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastBoxed } from '../core/boxed.ts';
import { type Problem, ProblemSchema } from '../core/problem.ts';
import { parseGsm8kSolution } from './datasets/gsm8k-answer.ts';
import { SHIPPED_DATASETS } from './datasets/shipped.ts';
import { loadEvalSet } from './eval-sets.ts';
import { loadProblems } from './load.ts';

async function all(spec: string): Promise<Problem[]> {
  const out: Problem[] = [];
  for await (const p of loadProblems(spec)) out.push(p);
  return out;
}

async function rawRows(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distill-tasks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shipped GSM8K slice', () => {
  it('loads 50 problems with the number after #### as gold and annotation-free reasoning', async () => {
    const raw = await rawRows(SHIPPED_DATASETS.gsm8k.path);
    const problems = await all('gsm8k');
    expect(problems).toHaveLength(50);
    problems.forEach((p, i) => {
      ProblemSchema.parse(p);
      const answer = String(raw[i]?.answer);
      expect(p.prompt).toBe(String(raw[i]?.question).trim());
      expect(p.gold).toBe(answer.split('####')[1]?.trim().replace(/,/g, ''));
      expect(p.gold).toMatch(/^-?\d+(\.\d+)?$/);
      expect(p.reference?.reasoning).not.toMatch(/<<|>>|####/);
      expect(p.reference?.reasoning.split('\n').at(-1)).toBe(`So the answer is ${p.gold}.`);
      expect(lastBoxed(p.reference?.answer ?? '')).toBe(p.gold);
      expect(p.source).toEqual({ kind: 'dataset', dataset: 'gsm8k', row: i, licenseSpdx: 'MIT' });
      expect(p.origin).toBe('benchmark-derived');
    });
    expect(new Set(problems.map((p) => p.id)).size).toBe(50);
  });

  it('parses a solution: strips <<…>> annotations and thousands separators', () => {
    expect(
      parseGsm8kSolution('He pays 2*3=<<2*3=6>>6 dollars.\nTotal 1,000+6=<<1000+6=1006>>1,006\n#### 1,006'),
    ).toEqual({
      reasoning: 'He pays 2*3=6 dollars.\nTotal 1,000+6=1,006\nSo the answer is 1006.',
      gold: '1006',
    });
  });
});

describe('shipped MATH-500 slice', () => {
  it('uses the answer field as gold and the solution as reference reasoning', async () => {
    const raw = await rawRows(SHIPPED_DATASETS.math500.path);
    const problems = await all('math500:20:offset=5');
    expect(problems).toHaveLength(20);
    problems.forEach((p, k) => {
      const row = raw[k + 5]!;
      expect(p.source).toMatchObject({ dataset: 'math500', row: k + 5 });
      expect(p.prompt).toBe(String(row.problem).trim());
      expect(p.gold).toBe(String(row.answer));
      expect(p.reference?.reasoning).toBe(String(row.solution).trim());
      expect(p.meta).toMatchObject({ subject: row.subject, level: row.level, sourceId: row.unique_id });
    });
  });

  it('the solutions box the gold answer in most rows', async () => {
    const problems = await all('math500');
    const same = problems.filter((p) => lastBoxed(p.reference?.reasoning ?? '') === p.gold).length;
    expect(same).toBeGreaterThan(35);
  });
});

describe('generic JSONL and Parquet', () => {
  it('maps fields of a JSONL file, and auto-detects common names', async () => {
    const path = join(dir, 'custom.jsonl');
    const rows = [
      { q: 'What is 2 + 2?', a: 4, why: '2 + 2 = 4.', tag: 'x' },
      { q: 'What is 3 * 3?', a: '9', why: '3 * 3 = 9.', tag: 'y' },
      {},
    ];
    await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n\n`);
    const mapped = await all(`jsonl:${path}:2:prompt=q:gold=a:reasoning=why`);
    expect(mapped.map((p) => [p.prompt, p.gold, p.reference?.reasoning, p.meta.tag])).toEqual([
      ['What is 2 + 2?', '4', '2 + 2 = 4.', 'x'],
      ['What is 3 * 3?', '9', '3 * 3 = 9.', 'y'],
    ]);
    expect(mapped[0]?.source).toMatchObject({ kind: 'dataset', dataset: 'custom', file: path, row: 0 });
    await expect(all(`jsonl:${path}`)).rejects.toMatchObject({ code: 'E_INPUT' });
    // GSM8K-shaped rows in a generic file are recognised.
    const viaGeneric = await all(`jsonl:${SHIPPED_DATASETS.gsm8k.path}:5:name=gsm8k`);
    const shipped = await all('gsm8k:5');
    expect(viaGeneric.map((p) => [p.prompt, p.gold, p.reference])).toEqual(
      shipped.map((p) => [p.prompt, p.gold, p.reference]),
    );
  });

  it('reports a missing file and bad JSON clearly', async () => {
    await expect(all('jsonl:/nonexistent/x.jsonl')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"prompt":"ok"}\n{oops\n');
    await expect(all(`jsonl:${bad}`)).rejects.toThrow(/line 2 is not valid JSON/);
  });

  it('reads a Parquet file written with hyparquet-writer, in chunks, with a field mapping', async () => {
    const raw = await rawRows(SHIPPED_DATASETS.gsm8k.path);
    const n = 1500; // more than one read chunk
    const question = Array.from({ length: n }, (_, i) => String(raw[i % 50]?.question));
    const solution = Array.from({ length: n }, (_, i) => String(raw[i % 50]?.answer));
    const number = Array.from({ length: n }, (_, i) => i);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'question_text', data: question, type: 'STRING' },
        { name: 'solution_text', data: solution, type: 'STRING' },
        { name: 'n', data: number, type: 'INT32' },
      ],
      rowGroupSize: 700,
    });
    const path = join(dir, 'gsm.parquet');
    await writeFile(path, new Uint8Array(buffer));
    const problems = await all(`parquet:${path}:offset=1000:prompt=question_text:gold=solution_text`);
    expect(problems).toHaveLength(500);
    const shipped = await all('gsm8k');
    problems.forEach((p, k) => {
      const i = 1000 + k;
      expect(p.source).toMatchObject({ dataset: 'gsm', row: i });
      expect(p.meta.n).toBe(i);
      expect([p.prompt, p.gold, p.reference]).toEqual([
        shipped[i % 50]?.prompt,
        shipped[i % 50]?.gold,
        shipped[i % 50]?.reference,
      ]);
    });
    expect(await all(`parquet:${path}:3:prompt=question_text`)).toHaveLength(3);
    await expect(all(`parquet:${path}:3`)).rejects.toThrow(/row 0 has no prompt/);
  });
});

describe('loadEvalSet', () => {
  it('returns the full shipped eval sets and the standard built-in eval set', async () => {
    const gsm = await loadEvalSet('gsm8k');
    const math = await loadEvalSet('math500');
    const builtin = await loadEvalSet('builtin-eval');
    expect([gsm.length, math.length]).toEqual([50, 50]);
    expect(builtin.length).toBe(7 * 3 * 20);
    expect(builtin.every((p) => p.source.kind === 'builtin' && p.source.split === 'eval')).toBe(true);
    expect(await loadEvalSet('builtin-eval')).toEqual(builtin);
  });
});
