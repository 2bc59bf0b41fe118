import { existsSync } from 'node:fs';
import { type CommandDef, defineCommand } from 'citty';
import { z } from 'zod';
import { validate } from '../../core/validate.ts';
import { exportRun } from '../../curate/export/export-run.ts';
import { jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

const ollamaFile = new URL('./_export-ollama.ts', import.meta.url);
const VALUE_FLAGS = new Set(['--format', '--style', '--out', '--store', '--name']);

/** The first positional word after `export` on the command line (what decides between RUN and `ollama`). */
function firstPositional(argv: readonly string[]): string | undefined {
  const start = argv.indexOf('export');
  for (let i = start + 1; start >= 0 && i < argv.length; i++) {
    const a = argv[i] as string;
    if (VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

const wantsOllama = (): boolean =>
  firstPositional(process.argv) === 'ollama' ||
  process.argv.includes('--help') ||
  process.argv.includes('-h');

/** `distill export ollama …` lives in the runtime's `_export-ollama.ts`; it is wired only when that file exists. */
async function subCommands(): Promise<Record<string, CommandDef>> {
  if (!wantsOllama() || !existsSync(ollamaFile)) return {};
  const mod = (await import(ollamaFile.href)) as { exportOllamaCommand: CommandDef };
  return { ollama: mod.exportOllamaCommand };
}

const OptionsSchema = z.object({
  format: z.enum(['jsonl', 'parquet']),
  style: z.enum(['messages', 'prompt-completion']),
});

/** `distill export RUN --out DIR`: a curated run as a training dataset with its card (or `distill export ollama`). */
export const command = defineCommand({
  meta: {
    name: 'export',
    description:
      'Export a curated run as JSONL/Parquet with a dataset card and Croissant (or: distill export ollama MODEL.gguf --out DIR)',
  },
  args: {
    run: { type: 'positional', required: true, description: 'Curated run id or name (or `ollama`)' },
    format: { type: 'string', description: 'jsonl | parquet', default: 'jsonl' },
    style: { type: 'string', description: 'messages | prompt-completion', default: 'messages' },
    out: { type: 'string', required: true, description: 'Output folder (written atomically)' },
    name: { type: 'string', description: 'Dataset name on the card (default: the run name)' },
    'accept-terms-risk': {
      type: 'boolean',
      default: false,
      description: "Export samples whose teacher's terms do not allow training on outputs (the card says so)",
    },
    ...storeArg,
    ...jsonArg,
  },
  subCommands,
  async run({ args }) {
    if (args.run === 'ollama' && existsSync(ollamaFile)) return; // handled by the subcommand
    const opts = validate(OptionsSchema, { format: args.format, style: args.style }, 'export options');
    const store = openStoreFromArgs(args, { readonly: true });
    const { signal, dispose } = interruptSignal();
    try {
      const result = await exportRun(store, args.run, {
        outDir: args.out,
        ...opts,
        acceptTermsRisk: args['accept-terms-risk'],
        ...(args.name ? { name: args.name } : {}),
        signal,
      });
      emit(args.json, result, () =>
        [
          `Exported ${result.rows} rows of run ${args.run} to ${result.outDir} (${result.format}, ${result.style})`,
          ...result.files.map((f) => `  ${f.path}  ${f.bytes} bytes  sha256 ${f.sha256.slice(0, 16)}…`),
          ...(result.termsRiskAccepted
            ? [
                `  warning: ${result.stats.notAllowed} rows from teachers whose terms forbid training (accepted)`,
              ]
            : []),
          `Train on it: distill train --data ${result.outDir}`,
        ].join('\n'),
      );
    } finally {
      dispose();
      store.close();
    }
  },
});
