import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import type { Problem } from '../../core/problem.ts';
import { exportTrainingJsonl } from '../../tasks/export.ts';
import { specSize } from '../../tasks/load.ts';
import { describeFamilies, sampleProblems } from '../../tasks/sample.ts';
import { parseTaskSpec } from '../../tasks/spec.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { Progress } from '../progress.ts';

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

const list = defineCommand({
  meta: { name: 'list', description: 'List the built-in task families with their levels and an example' },
  args: { ...jsonArg },
  run: ({ args }) => {
    const families = describeFamilies();
    emit(args.json, { families }, () =>
      families
        .map((f) =>
          [
            `${f.name} — ${f.description}`,
            `  levels: ${f.levelNotes.map((n, i) => `${i + 1}) ${n}`).join('; ')}`,
            `  example: ${f.example.prompt}  →  ${f.example.gold || '(checked by running tests)'}`,
          ].join('\n'),
        )
        .join('\n\n')
        .concat(
          '\n\nDatasets: gsm8k, math500 (shipped 50-row slices), humaneval (164, code), jsonl:PATH, parquet:PATH.\nSpec: FAMILY:COUNT:SPLIT[:level=N][:seed=S], comma-separated.',
        ),
    );
  },
});

function renderProblem(p: Problem, i: number): string {
  const where =
    p.source.kind === 'builtin'
      ? `${p.source.family} · ${p.source.split} · level ${p.source.level}`
      : `${p.source.dataset} · row ${p.source.row}`;
  return [
    `[${i + 1}] ${where} · id ${p.id}`,
    `  prompt:`,
    indent(p.prompt),
    `  thinking:`,
    indent(p.reference?.reasoning ?? '(no reference reasoning)'),
    `  answer:`,
    indent(p.reference?.answer ?? '(none)'),
    `  gold: ${p.gold ?? '(none)'}`,
  ].join('\n');
}

const sample = defineCommand({
  meta: {
    name: 'sample',
    description: 'Print a few problems of a family with their reference thinking and answer',
  },
  args: {
    family: {
      type: 'positional',
      required: true,
      description: 'Family name (see `distill tasks list`), or gsm8k / math500',
    },
    n: { type: 'string', description: 'How many problems', default: '5' },
    split: { type: 'string', description: 'train or eval', default: 'eval' },
    seed: { type: 'string', description: 'Seed', default: '0' },
    level: { type: 'string', description: 'Difficulty level (default: a mix of all levels)' },
    ...jsonArg,
  },
  run: async ({ args }) => {
    if (args.split !== 'train' && args.split !== 'eval')
      throw new InvalidInputError(`--split must be train or eval, got '${args.split}'`);
    const { signal, dispose } = interruptSignal();
    try {
      const problems = await sampleProblems(args.family, {
        n: intArg(args.n, 'n', 5, 1),
        split: args.split,
        seed: intArg(args.seed, 'seed', 0),
        ...(args.level !== undefined ? { level: intArg(args.level, 'level', 1, 1) } : {}),
        signal,
      });
      emit(args.json, { problems }, () => problems.map(renderProblem).join('\n\n'));
    } finally {
      dispose();
    }
  },
});

const exportCommand = defineCommand({
  meta: {
    name: 'export',
    description: 'Write the problems of a task spec with their reference thinking as chat-format JSONL',
  },
  args: {
    spec: {
      type: 'positional',
      required: true,
      description: 'Task spec, e.g. add:2000:train,multiply:500:train:level=2',
    },
    out: { type: 'string', description: 'Output JSONL file', required: true },
    seed: { type: 'string', description: 'Seed for entries without seed=', default: '0' },
    ...jsonArg,
  },
  run: async ({ args }) => {
    const spec = parseTaskSpec(args.spec);
    const total = specSize(spec);
    const progress = new Progress({ label: 'export', total: total ?? 0, json: args.json, unit: 'problems' });
    const { signal, dispose } = interruptSignal();
    try {
      const result = await exportTrainingJsonl(spec, args.out, {
        seed: intArg(args.seed, 'seed', 0),
        signal,
        onProgress: (done) => {
          if (total === undefined) progress.setTotal(done);
          progress.update(done);
        },
      });
      progress.stop();
      emit(
        args.json,
        result,
        () =>
          `Wrote ${result.rows} rows (${(result.bytes / 1e6).toFixed(1)} MB) to ${result.path}` +
          (result.skipped ? `; skipped ${result.skipped} without reference reasoning` : ''),
      );
    } finally {
      progress.stop();
      dispose();
    }
  },
});

/** `distill tasks`: built-in task families and dataset slices. */
export const command = defineCommand({
  meta: { name: 'tasks', description: 'Built-in reasoning task families and dataset loaders' },
  subCommands: { list, sample, export: exportCommand },
});
