import { defineCommand } from 'citty';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { comparisonHtml } from '../../eval/compare-html.ts';
import { comparisonMarkdown, comparisonRows } from '../../eval/compare-table.ts';
import { loadReport } from '../../eval/load-report.ts';
import type { Store } from '../../store/store.ts';
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
      const markdown = comparisonMarkdown(reports);
      if (args.md) writeFileAtomic(args.md, `${markdown}\n`);
      if (args.html) writeFileAtomic(args.html, comparisonHtml(reports, args.title));
      emit(
        args.json,
        { rows: comparisonRows(reports), markdown, md: args.md ?? null, html: args.html ?? null },
        () => markdown,
      );
    } finally {
      store?.close();
    }
  },
});
