import { describe, expect, it } from 'vitest';
import { comparisonHtml } from './compare-html.ts';
import { comparisonMarkdown, comparisonRows } from './compare-table.ts';
import type { EvalReport, SliceMetrics } from './report.ts';

function slice(pass1: number): SliceMetrics {
  return {
    problems: 100,
    samplesPerProblem: 1,
    pass1,
    pass1Ci: { low: pass1 - 0.05, high: pass1 + 0.05 },
    majK: pass1,
    passK: pass1,
    meanReasoningTokens: 120,
    meanAnswerTokens: 10,
    meanTtftMs: 5,
    tokensPerSecond: 900,
    emptyRate: 0,
    truncatedRate: 0,
  };
}

function report(name: string, pass1: number, params: number): EvalReport {
  return {
    id: name,
    name,
    createdAt: '2026-11-28T00:00:00Z',
    model: {
      uri: `${name}.gguf`,
      label: name,
      kind: 'gguf',
      sha256: 'x',
      params,
      fileBytes: params * 4,
      quantization: null,
    },
    tasks: 'add:100:eval',
    settings: { samples: 1, temperature: 0, topP: 1, maxTokens: 256, thinkingBudget: null, seed: 1 },
    verifierVersion: 'v1',
    overall: slice(pass1),
    byFamily: { add: slice(pass1), sort: slice(pass1 / 2) },
    budgetCurve: [
      { budget: 0, pass1: pass1 / 2, pass1Ci: { low: 0, high: 1 }, meanReasoningTokens: 0 },
      { budget: 64, pass1, pass1Ci: { low: 0, high: 1 }, meanReasoningTokens: 60 },
    ],
    wallMs: 1000,
  };
}

describe('compare', () => {
  const reports = [report('teacher', 0.9, 8_000_000), report('student', 0.81, 1_000_000)];

  it('computes accuracy retained against the first report', () => {
    const rows = comparisonRows(reports);
    expect(rows[0]?.retained).toBe(1);
    expect(rows[1]?.retained).toBeCloseTo(0.9);
  });

  it('renders a Markdown table with CIs and per-family accuracy', () => {
    const md = comparisonMarkdown(reports);
    expect(md).toContain('| student | 1.00M | 3.8 MB | 81.0% (76.0%–86.0%) | 90.0% |');
    expect(md).toContain('| model | add | sort |');
  });

  it('renders a self-contained HTML page with three charts', () => {
    const html = comparisonHtml(reports);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html.match(/<svg/g)?.length).toBe(3);
    expect(html).toContain('<td>student</td>');
    expect(html).toContain('aria-label="Accuracy vs thinking budget"');
  });
});
