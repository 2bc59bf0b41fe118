import type { CodeStatus } from '../core/verdict.ts';
import type { EvalSampleRow } from '../store/eval-queries.ts';
import type { EvalReport } from './report.ts';

/** One report's result on one code sample: pass/fail and, when it failed, the first failing test. */
export interface CodeSampleCell {
  correct: boolean;
  status: CodeStatus;
  passed: number;
  total: number;
  /** 1-based number of the first failing test, and its text (null when passed or no test ran). */
  failingTest: number | null;
  test: string | null;
  expected: string | null;
  got: string | null;
  error: string | null;
  /** The verdict's one line for people. */
  detail: string | null;
}

/** One sample (problem × sample index) of a code task, with each report's result (null: that report lacks it). */
export interface CodeSampleRow {
  problemId: string;
  sampleIdx: number;
  family: string;
  results: Array<CodeSampleCell | null>;
}

/** A report with its stored per-sample rows (null when they are not in the store, e.g. a JSON file elsewhere). */
export interface ReportWithSamples {
  report: EvalReport;
  samples: readonly EvalSampleRow[] | null;
}

function cellOf(row: EvalSampleRow): CodeSampleCell | null {
  const code = row.verdict?.code;
  if (!code) return null;
  const f = code.failure;
  return {
    correct: row.correct,
    status: code.status,
    passed: code.passed,
    total: code.total,
    failingTest: f ? f.test + 1 : null,
    test: f?.text ?? null,
    expected: f?.expected ?? null,
    got: f?.got ?? null,
    error: f?.error ?? null,
    detail: row.verdict?.detail ?? null,
  };
}

/**
 * Per-sample pass/fail of code tasks across reports (the main evaluation, not budget sweeps), ordered by problem and
 * sample index. Samples without a code verdict in any report (math tasks, rows stored before verdicts were kept)
 * are left out.
 */
export function codeSampleRows(reports: readonly ReportWithSamples[]): CodeSampleRow[] {
  const byKey = new Map<string, CodeSampleRow>();
  reports.forEach(({ samples }, i) => {
    for (const s of samples ?? []) {
      if (s.budget !== -1) continue;
      const cell = cellOf(s);
      if (!cell) continue;
      const key = `${s.problemId}\u0000${s.sampleIdx}`;
      let row = byKey.get(key);
      if (!row) {
        row = {
          problemId: s.problemId,
          sampleIdx: s.sampleIdx,
          family: s.family,
          results: reports.map(() => null),
        };
        byKey.set(key, row);
      }
      row.results[i] = cell;
    }
  });
  return [...byKey.values()].sort((a, b) =>
    a.problemId === b.problemId
      ? a.sampleIdx - b.sampleIdx
      : a.problemId.localeCompare(b.problemId, 'en', { numeric: true }),
  );
}

function clip(text: string, n: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= n ? line : `${line.slice(0, n)}…`;
}

/** One line for a cell: `pass 3/3`, or `FAIL wrong-answer 1/3 · test 2 \`assert f(1) == 2\`: expected 2, got 3`. */
export function cellText(c: CodeSampleCell | null): string {
  if (!c) return '—';
  if (c.correct) return `pass ${c.passed}/${c.total}`;
  const head = `FAIL ${c.status} ${c.passed}/${c.total}`;
  const what =
    c.expected !== null
      ? `expected ${clip(c.expected, 40)}, got ${clip(c.got ?? '', 40)}`
      : c.error !== null
        ? clip(c.error, 80)
        : null;
  if (c.failingTest !== null)
    return `${head} · test ${c.failingTest} \`${clip(c.test ?? '', 60)}\`${what ? `: ${what}` : ''}`;
  return c.detail ? `${head} · ${clip(c.detail, 100)}` : head;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

/** The per-sample Markdown section (empty string when no report has code samples). */
export function codeSamplesMarkdown(
  labels: readonly string[],
  rows: readonly CodeSampleRow[],
  maxRows = Number.POSITIVE_INFINITY,
): string {
  if (rows.length === 0) return '';
  const shown = rows.slice(0, maxRows);
  const lines = [
    '### Code tasks, per sample',
    '',
    `| problem | sample | ${labels.map(mdCell).join(' | ')} |`,
    `|---|---:|${labels.map(() => '---').join('|')}|`,
    ...shown.map(
      (r) =>
        `| ${mdCell(r.problemId)} | ${r.sampleIdx} | ${r.results.map((c) => mdCell(cellText(c))).join(' | ')} |`,
    ),
  ];
  if (rows.length > shown.length)
    lines.push('', `… ${rows.length - shown.length} more samples (all of them with --md FILE or --json)`);
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The per-sample HTML table (empty string when no report has code samples). */
export function codeSamplesHtml(labels: readonly string[], rows: readonly CodeSampleRow[]): string {
  if (rows.length === 0) return '';
  const head = `<tr><th>problem</th><th>sample</th>${labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const cells = r.results
        .map((c) => {
          const cls = c === null ? 'none' : c.correct ? 'pass' : 'fail';
          const title = c?.detail ? ` title="${esc(c.detail)}"` : '';
          return `<td class="${cls}"${title}>${esc(cellText(c))}</td>`;
        })
        .join('');
      return `<tr data-problem="${esc(r.problemId)}" data-sample="${r.sampleIdx}"><td>${esc(r.problemId)}</td><td>${r.sampleIdx}</td>${cells}</tr>`;
    })
    .join('');
  return `<h2>Code tasks, per sample</h2><table id="code-samples"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
