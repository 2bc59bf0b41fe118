import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'distill.mjs');

async function distill(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('distill tasks (child process)', () => {
  it('sample --json prints problems with reference thinking and answer', async () => {
    const r = await distill('tasks', 'sample', 'add', '--n', '2', '--json', '--seed', '1', '--level', '2');
    expect(r.code).toBe(0);
    const { problems } = JSON.parse(r.stdout);
    expect(problems).toHaveLength(2);
    for (const p of problems) {
      expect(p.source).toMatchObject({ kind: 'builtin', family: 'add', split: 'eval', level: 2, seed: 1 });
      expect(p.prompt).toMatch(/^What is \d{2,3} [+-] \d{2,3}\?$/);
      expect(p.reference.answer).toBe(`The answer is \\boxed{${p.gold}}.`);
    }
  });

  it('rejects an unknown family with exit code 2 and the list of families', async () => {
    const r = await distill('tasks', 'sample', 'addition');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown task family 'addition'");
    expect(r.stderr).toContain('add, multiply, expr, word, letters, reverse, sort');
  });

  it('export writes chat-format JSONL and reports it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'distill-cli-'));
    try {
      const out = join(dir, 'train.jsonl');
      const r = await distill(
        'tasks',
        'export',
        'multiply:3:train,sort:2:eval:level=1',
        '--out',
        out,
        '--json',
      );
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
      expect(summary).toMatchObject({ path: out, rows: 5, skipped: 0 });
      const rows = (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((row) => row.source.family)).toEqual([
        'multiply',
        'multiply',
        'multiply',
        'sort',
        'sort',
      ]);
      expect(rows[0].messages[1].content).toMatch(/^<think>\nLet me multiply/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
