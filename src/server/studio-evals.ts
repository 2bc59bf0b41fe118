import { z } from 'zod';
import { validate } from '../core/validate.ts';
import { type ComparisonRow, comparisonMarkdown, comparisonRows } from '../eval/compare-table.ts';
import { type EvalReport, EvalReportSchema } from '../eval/report.ts';
import { listEvalReports, loadEvalReport } from '../store/eval-queries.ts';
import type { Store } from '../store/store.ts';
import { HttpError } from './openai-error.ts';
import { hasTable } from './studio-tables.ts';

/** `GET /api/compare?reports=A,B`: report ids or names from the store (never file paths), first = baseline. */
export const CompareQuerySchema = z.object({
  reports: z
    .string()
    .min(1)
    .max(4000)
    .transform((s) =>
      s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(300)).min(1).max(12)),
});

/** One stored eval report as the Studio lists it: the model by label and size, never its path or URI. */
export interface StudioEval {
  id: string;
  name: string;
  createdAt: string;
  model: { label: string; kind: string; params: number | null; fileBytes: number | null };
  tasks: string;
  pass1: number;
  problems: number;
  samplesPerProblem: number;
  wallMs: number;
}

function reportOf(store: Store, ref: string): EvalReport {
  let raw: unknown;
  try {
    raw = loadEvalReport(store.db, ref);
  } catch {
    throw new HttpError(404, `No eval report '${ref}' in the store`, {
      param: 'reports',
      code: 'report_not_found',
    });
  }
  return validate(EvalReportSchema, raw, `report ${ref}`);
}

/** Every eval report in the store, newest first. */
export function studioEvals(store: Store): StudioEval[] {
  if (!hasTable(store.db, 'eval_reports')) return [];
  return listEvalReports(store.db).map(({ id }) => {
    const r = reportOf(store, id);
    return {
      id: r.id,
      name: r.name,
      createdAt: r.createdAt,
      model: {
        label: r.model.label,
        kind: r.model.kind,
        params: r.model.params,
        fileBytes: r.model.fileBytes,
      },
      tasks: r.tasks,
      pass1: r.overall.pass1,
      problems: r.overall.problems,
      samplesPerProblem: r.overall.samplesPerProblem,
      wallMs: r.wallMs,
    };
  });
}

/** The same rows and Markdown table as `distill compare`, plus each report's thinking-budget curve. */
export function studioCompare(
  store: Store,
  refs: string[],
): {
  object: 'distill.comparison';
  reports: { id: string; name: string; budgetCurve: EvalReport['budgetCurve'] }[];
  rows: ComparisonRow[];
  markdown: string;
} {
  const reports = refs.map((ref) => reportOf(store, ref));
  return {
    object: 'distill.comparison',
    reports: reports.map((r) => ({ id: r.id, name: r.name, budgetCurve: r.budgetCurve })),
    rows: comparisonRows(reports),
    markdown: comparisonMarkdown(reports),
  };
}
