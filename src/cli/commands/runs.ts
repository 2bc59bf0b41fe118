import { existsSync } from 'node:fs';
import { defineCommand } from 'citty';
import { z } from 'zod';
import { DistillError } from '../../core/errors/distill-error.ts';
import { StoreError } from '../../core/errors/store-error.ts';
import type { RunReport } from '../../store/run-report.ts';
import type { Store } from '../../store/store.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { jsonArg } from '../args.ts';
import { emit } from '../output.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const StoredFailures = z.record(z.string(), z.object({ requests: z.number(), hint: z.string() }));

/** The hints `distill generate` stored with an incomplete run (summary.failures), one line per kind. */
function hintLines(r: RunReport): string[] {
  const parsed = StoredFailures.safeParse(r.summary.failures);
  if (!parsed.success) return [];
  return Object.entries(parsed.data).map(([kind, f]) => `  hint       ${kind} (${f.requests}): ${f.hint}`);
}

function renderReport(r: RunReport): string {
  const failed = Object.entries(r.counts.failed)
    .map(([kind, c]) => `${kind} ${c.events} (gave up ${c.gaveUp})`)
    .join(', ');
  return [
    `${r.name}  (${r.id})`,
    `  kind       ${r.kind}, ${r.status}`,
    `  teacher    ${r.teacher ?? '-'}`,
    `  settings   ${JSON.stringify(r.settings)}`,
    `  samples    ${r.counts.completed}${r.counts.requested === null ? '' : ` / ${r.counts.requested} requested`}, duplicates ${r.counts.duplicates}`,
    `  verdicts   ${r.counts.withVerdict} (${r.counts.correct} correct)`,
    `  failures   ${failed || 'none'}${r.counts.unresolved ? `; ${r.counts.unresolved} request(s) still missing` : ''}`,
    ...hintLines(r),
    `  tokens     ${r.tokens.total} (input ${r.tokens.input}, reasoning ${r.tokens.reasoning}, output ${r.tokens.output})`,
    `  cost       ${r.costUsd === null ? '-' : `$${r.costUsd.toFixed(4)}`}`,
    `  wall time  ${duration(r.wallMs)}`,
    `  created    ${r.createdAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}`,
  ].join('\n');
}

const list = defineCommand({
  meta: { name: 'list', description: 'List runs in the store, newest first' },
  args: {
    ...jsonArg,
    ...storeArg,
    kind: { type: 'string', description: 'Only runs of this kind (generate, eval, curate, train…)' },
  },
  run: ({ args }) => {
    const path = resolveStorePath({ flag: args.store });
    if (!existsSync(path)) {
      emit(args.json, [], () => `No runs yet (no store at ${path}).`);
      return;
    }
    let opened: Store;
    try {
      opened = openStoreFromArgs(args, { readonly: true });
    } catch (error) {
      if (!(DistillError.isInstance(error) && error.code === 'E_NOT_FOUND')) throw error;
      emit(args.json, [], () => `No runs yet (the store at ${path} is empty).`);
      return;
    }
    using store = opened;
    const runs = store
      .listRuns(args.kind ? { kind: args.kind } : {})
      .map((run) => ({ ...run, samples: store.countSamples(run.id) }));
    emit(args.json, runs, () =>
      runs.length === 0
        ? 'No runs yet.'
        : table([
            ['NAME', 'KIND', 'STATUS', 'SAMPLES', 'CREATED'],
            ...runs.map((r) => [r.name, r.kind, r.status, String(r.samples), r.createdAt]),
          ]),
    );
  },
});

const show = defineCommand({
  meta: {
    name: 'show',
    description: 'Show a run: teacher, settings, counts, failures, tokens, cost, wall time',
  },
  args: {
    ...jsonArg,
    ...storeArg,
    run: { type: 'positional', description: 'Run name or id', required: true },
  },
  run: ({ args }) => {
    using store = openStoreFromArgs(args, { readonly: true });
    const report = store.runReport(args.run);
    emit(args.json, report, () => renderReport(report));
  },
});

const check = defineCommand({
  meta: { name: 'check', description: 'Check the store file: SQLite integrity and foreign keys' },
  args: { ...jsonArg, ...storeArg },
  run: ({ args }) => {
    using store = openStoreFromArgs(args, { readonly: true });
    const result = store.integrityCheck();
    if (result !== 'ok') {
      throw new StoreError(
        `Store ${store.path} has ${result.length} problem(s): ${result.slice(0, 3).join('; ')}`,
        {
          hint: 'restore from a copy, or export what is readable and start a new store',
        },
      );
    }
    emit(
      args.json,
      { path: store.path, integrity: 'ok', schemaVersion: store.schemaVersion },
      () => `${store.path}: ok (schema ${store.schemaVersion})`,
    );
  },
});

/** `distill runs`: inspect generation, evaluation, curation and training runs in the store. */
export const command = defineCommand({
  meta: { name: 'runs', description: 'Inspect runs in the store (list, show, check)' },
  subCommands: { list, show, check },
});
