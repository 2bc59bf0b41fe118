import { existsSync } from 'node:fs';
import { defineCommand } from 'citty';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { comparisonHtml } from '../../eval/compare-html.ts';
import { codeSampleRows, codeSamplesMarkdown, type ReportWithSamples } from '../../eval/compare-samples.ts';
import { comparisonMarkdown, comparisonRows } from '../../eval/compare-table.ts';
import { loadReport } from '../../eval/load-report.ts';
import { evalSampleRows } from '../../store/eval-queries.ts';
import type { Store } from '../../store/store.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { jsonArg } from '../args.ts';
import { emit } from '../output.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

/** `distill compare REPORT…`: teacher vs students side by side (first report = baseline for "retained"). */
export const command = defineCommand({
  meta: {
    name: 'compare',
    description: 'Compare eval reports side by side (Markdown, HTML with charts, JSON)',
  },
  args: {
    md: { type: 'string', description: 'Write the Markdown table to this file' },
    html: { type: 'string', description: 'Write a self-contained HTML page with charts to this file' },
    title: { type: 'string', description: 'Title of the HTML page. Defaults to "Distill comparison"' },
    ...storeArg,
    ...jsonArg,
  },
  run: ({ args }) => {
    const refs = args._.filter((a) => a !== 'compare');
    if (refs.length === 0)
      throw new InvalidInputError(
        'Name at least one report (a JSON file from `distill eval --out` or a report name)',
      );
    let store: Store | undefined;
    const getStore = (): Store => {
      store ??= openStoreFromArgs(args, { readonly: true });
      return store;
    };
    try {
      const reports = refs.map((r) => loadReport(r, getStore));
      // Per-sample results live in the store (a report from a JSON file is looked up there by id, when there is one).
      const haveStore = store !== undefined || existsSync(resolveStorePath({ flag: args.store }));
      const withSamples: ReportWithSamples[] = reports.map((report) => ({
        report,
        samples: haveStore ? evalSampleRows(getStore().db, report.id) : null,
      }));
      const codeRows = codeSampleRows(withSamples);
      const labels = reports.map((r) => r.name);
      const table = comparisonMarkdown(reports);
      const join = (perSample: string) => (perSample ? `${table}\n\n${perSample}` : table);
      const markdown = join(codeSamplesMarkdown(labels, codeRows));
      if (args.md) writeFileAtomic(args.md, `${markdown}\n`);
      if (args.html) writeFileAtomic(args.html, comparisonHtml(reports, args.title, codeRows));
      emit(
        args.json,
        {
          rows: comparisonRows(reports),
          codeSamples: codeRows.map((r) => ({
            ...r,
            results: r.results.map((c, i) => (c ? { report: labels[i], ...c } : null)),
          })),
          markdown,
          md: args.md ?? null,
          html: args.html ?? null,
        },
        // The terminal gets the first 40 samples; the file and --json get all.
        () => join(codeSamplesMarkdown(labels, codeRows, 40)),
      );
    } finally {
      store?.close();
    }
  },
});
