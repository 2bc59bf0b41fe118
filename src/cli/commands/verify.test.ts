import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VerdictSchema } from '../../core/verdict.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'distill.mjs');
const dir = mkdtempSync(join(tmpdir(), 'distill-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function distill(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'verify', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('distill verify (child process)', () => {
  it('checks one pair: a clear line plus the verdict JSON; --json prints the verdict only', () => {
    const human = distill('--gold', '\\frac{14}{3}', '--pred', 'so the answer is $\\boxed{14/3}$');
    expect(human.code).toBe(0);
    const [first, second] = human.stdout.trim().split('\n');
    expect(first).toBe('✓ correct — extracted "14/3" (boxed), numeric');
    expect(VerdictSchema.parse(JSON.parse(second ?? ''))).toMatchObject({
      correct: true,
      extractor: 'boxed',
    });

    const wrong = distill('--gold', '5', '--pred', '\\boxed{6}', '--json');
    expect(wrong.code).toBe(0);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ correct: false, extracted: '6', method: 'numeric' });
  });

  it('checks a JSONL batch: one verdict per line in the same order; bad lines name their line number', () => {
    const pairs = join(dir, 'pairs.jsonl');
    const rows = [
      { gold: '\\frac12', pred: '0.5' },
      { gold: '18', pred: 'She makes $18 a day.\n#### 18' },
      { gold: '(1,2)', pred: '\\boxed{(2,1)}' },
      { gold: 'C', pred: 'The answer is (C)', kind: 'choice' },
    ];
    writeFileSync(pairs, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n\n`);
    const out = distill('--batch', pairs, '--json');
    expect(out.code).toBe(0);
    const verdicts = out.stdout
      .trim()
      .split('\n')
      .map((l) => VerdictSchema.parse(JSON.parse(l)));
    expect(verdicts.map((v) => v.correct)).toEqual([true, true, false, true]);

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"gold":"1","pred":"1"}\n\n{"gold":"1"}\n');
    const failed = distill('--batch', bad);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(`${bad} line 3:`);
    expect(failed.stderr).toContain('"pred"');
  });

  it('asks for --gold/--pred or --batch', () => {
    const r = distill('--gold', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --gold and --pred, or --batch FILE');
  });

  it('refuses an unknown --verifier and --compare-with without --batch or with itself (exit 2)', () => {
    const unknown = distill('--gold', '1', '--pred', '1', '--verifier', 'sympy');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--verifier must be ts or math-verify');
    const noBatch = distill('--gold', '1', '--pred', '1', '--compare-with', 'math-verify');
    expect(noBatch.code).toBe(2);
    expect(noBatch.stderr).toContain('--compare-with needs --batch FILE');
    const pairs = join(dir, 'one.jsonl');
    writeFileSync(pairs, '{"gold":"1","pred":"1"}\n');
    const self = distill('--batch', pairs, '--compare-with', 'ts');
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('compares ts with itself');
  });
});
