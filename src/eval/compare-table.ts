import type { EvalReport } from './report.ts';

export interface ComparisonRow {
  label: string;
  params: number | null;
  fileBytes: number | null;
  pass1: number;
  ciLow: number;
  ciHigh: number;
  /** pass@1 as a share of the baseline's (the first report, normally the teacher). */
  retained: number | null;
  majK: number;
  tokensPerSecond: number | null;
  meanReasoningTokens: number;
  problems: number;
  byFamily: Record<string, number>;
}

/** Rows of the side-by-side comparison; the first report is the baseline for "retained". */
export function comparisonRows(reports: EvalReport[]): ComparisonRow[] {
  const base = reports[0]?.overall.pass1 ?? 0;
  return reports.map((r) => ({
    label: r.name,
    params: r.model.params,
    fileBytes: r.model.fileBytes,
    pass1: r.overall.pass1,
    ciLow: r.overall.pass1Ci.low,
    ciHigh: r.overall.pass1Ci.high,
    retained: base > 0 ? r.overall.pass1 / base : null,
    majK: r.overall.majK,
    tokensPerSecond: r.overall.tokensPerSecond,
    meanReasoningTokens: r.overall.meanReasoningTokens,
    problems: r.overall.problems,
    byFamily: Object.fromEntries(Object.entries(r.byFamily).map(([f, m]) => [f, m.pass1])),
  }));
}

export function formatParams(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} B`;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** Markdown table for terminals and READMEs. */
export function comparisonMarkdown(reports: EvalReport[]): string {
  const rows = comparisonRows(reports);
  const lines = [
    '| model | params | size | pass@1 (95% CI) | retained | maj@K | tok/s | thinking tok | problems |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${formatParams(r.params)} | ${formatBytes(r.fileBytes)} | ${pct(r.pass1)} (${pct(r.ciLow)}–${pct(r.ciHigh)}) | ${
        r.retained === null ? '—' : pct(r.retained)
      } | ${pct(r.majK)} | ${r.tokensPerSecond === null ? '—' : r.tokensPerSecond.toFixed(0)} | ${r.meanReasoningTokens.toFixed(0)} | ${r.problems} |`,
    );
  }
  const families = [...new Set(rows.flatMap((r) => Object.keys(r.byFamily)))].sort();
  if (families.length > 1) {
    lines.push('', `| model | ${families.join(' | ')} |`, `|---|${families.map(() => '---:').join('|')}|`);
    for (const r of rows)
      lines.push(
        `| ${r.label} | ${families.map((f) => (r.byFamily[f] === undefined ? '—' : pct(r.byFamily[f]))).join(' | ')} |`,
      );
  }
  return lines.join('\n');
}
