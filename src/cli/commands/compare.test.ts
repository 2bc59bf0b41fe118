import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../core/verdict.ts';
import type { EvalReport, SliceMetrics } from '../../eval/report.ts';
import { type EvalSampleRow, saveEvalReport } from '../../store/eval-queries.ts';
import { openStore } from '../../store/open-store.ts';

const bin = fileURLToPath(new URL('../../../bin/distill.mjs', import.meta.url));
const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'distill-compare-cli-'));
const path = join(dir, 'store.sqlite');

async function distill(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], {
      env: { ...process.env, DISTILL_STORE: path, FORCE_COLOR: '0' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const slice: SliceMetrics = {
  problems: 2,
  samplesPerProblem: 1,
  pass1: 0.5,
  pass1Ci: { low: 0.1, high: 0.9 },
  majK: 0.5,
  passK: 0.5,
  meanReasoningTokens: 10,
  meanAnswerTokens: 10,
  meanTtftMs: null,
  tokensPerSecond: null,
  emptyRate: 0,
  truncatedRate: 0,
};

function report(name: string): EvalReport {
  return {
    id: `id-${name}`,
    name,
    createdAt: '2026-11-29T00:00:00Z',
    model: {
      uri: name,
      label: name,
      kind: 'teacher',
      sha256: null,
      params: null,
      fileBytes: null,
      quantization: null,
    },
    tasks: 'humaneval:2',
    settings: { samples: 1, temperature: 0, topP: 1, maxTokens: 256, thinkingBudget: null, seed: 0 },
    verifierVersion: 'v',
    overall: slice,
    byFamily: { humaneval: slice },
    budgetCurve: [],
    wallMs: 1,
  };
}

function row(problemId: string, verdict: Verdict): EvalSampleRow {
  return {
    problemId,
    sampleIdx: 0,
    budget: -1,
    family: 'humaneval',
    correct: verdict.correct,
    extracted: verdict.extracted,
    finishReason: 'stop',
    reasoningTokens: 10,
    answerTokens: 10,
    ttftMs: null,
    reasoning: 'r',
    answer: 'a',
    verdict,
  };
}

const passed: Verdict = {
  correct: true,
  extracted: 'def f(x): return x + 1',
  extractor: 'code-block',
  method: 'code:passed',
  verifierVersion: 'v',
  detail: 'passed 2/2 tests',
  code: { status: 'passed', passed: 2, total: 2, wallMs: 30 },
};
const wrong: Verdict = {
  correct: false,
  extracted: 'def f(x): return x | 2',
  extractor: 'code-block',
  method: 'code:wrong-answer',
  verifierVersion: 'v',
  detail: 'test 2/2 failed: assert f(2) == 3 — expected 3, got 2',
  code: {
    status: 'wrong-answer',
    passed: 1,
    total: 2,
    failure: { test: 1, text: 'assert f(2) == 3', expected: '3', got: '2' },
    stdout: 'debugging f',
    wallMs: 30,
  },
};
const timeout: Verdict = {
  ...wrong,
  method: 'code:timeout',
  detail: 'ran past the 1000 ms limit in test 1: assert g() == 1',
  code: { status: 'timeout', passed: 0, total: 1, wallMs: 1000 },
};

beforeAll(() => {
  using store = openStore(path);
  saveEvalReport(store.db, 'id-teacher', 'teacher', report('teacher'), [
    row('HumanEval/1', passed),
    row('HumanEval/2', passed),
  ]);
  saveEvalReport(store.db, 'id-student', 'student', report('student'), [
    row('HumanEval/1', wrong),
    row('HumanEval/2', timeout),
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('distill compare on code tasks', () => {
  it('shows each sample pass/fail with the failing test, in Markdown, HTML and --json', async () => {
    const md = join(dir, 'cmp.md');
    const html = join(dir, 'cmp.html');
    const out = await distill('compare', 'teacher', 'student', '--md', md, '--html', html);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('| problem | sample | teacher | student |');
    expect(out.stdout).toContain(
      '| HumanEval/1 | 0 | pass 2/2 | FAIL wrong-answer 1/2 · test 2 `assert f(2) == 3`: expected 3, got 2 |',
    );
    expect(out.stdout).toContain('FAIL timeout 0/1 · ran past the 1000 ms limit in test 1: assert g() == 1');
    expect(readFileSync(md, 'utf8')).toContain('FAIL wrong-answer 1/2');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<table id="code-samples">');
    expect(page).toMatch(
      /<td class="fail" title="test 2\/2 failed: assert f\(2\) == 3 — expected 3, got 2">/,
    );

    const json = await distill('compare', 'teacher', 'student', '--json');
    const data = JSON.parse(json.stdout) as {
      codeSamples: Array<{ problemId: string; results: Array<Record<string, unknown> | null> }>;
    };
    const first = data.codeSamples.find((s) => s.problemId === 'HumanEval/1')!;
    expect(first.results[0]).toMatchObject({ report: 'teacher', correct: true, status: 'passed' });
    expect(first.results[1]).toMatchObject({
      report: 'student',
      correct: false,
      failingTest: 2,
      test: 'assert f(2) == 3',
      expected: '3',
      got: '2',
    });
  });

  it('finds the per-sample rows of a report given as a JSON file through the store', async () => {
    const file = join(dir, 'student.json');
    writeFileSync(file, JSON.stringify(report('student')));
    const out = await distill('compare', 'teacher', file);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('FAIL wrong-answer 1/2');
  });

  it('leaves the per-sample section out for math-only reports', async () => {
    {
      using store = openStore(path);
      const math = { ...row('add-1', { ...passed, method: 'exact', code: undefined }) };
      delete math.verdict?.code;
      saveEvalReport(store.db, 'id-math', 'math', report('math'), [math]);
    }
    const out = await distill('compare', 'math');
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain('per sample');
  });
});
