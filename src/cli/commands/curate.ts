import { defineCommand } from 'citty';
import { z } from 'zod';
import { validate } from '../../core/validate.ts';
import { curateRun } from '../../curate/curate-run.ts';
import { renderCurationSummary } from '../../curate/curation-summary.ts';
import { FILTER_NAMES } from '../../curate/filters/index.ts';
import { KEEP_POLICIES, PER_PROMPT_POLICIES } from '../../curate/rejection.ts';
import { createBatchSampleVerifier } from '../../curate/verify-sample.ts';
import type { MathVerifyPool } from '../../verify/math-verify-pool.ts';
import { intArg, jsonArg, optNumArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { Progress } from '../progress.ts';
import { openMathVerifyPool, verifierArg, verifierName } from '../verifier.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const OptionsSchema = z.object({
  keep: z.enum(KEEP_POLICIES as ['correct', 'all']),
  perPrompt: z.enum(PER_PROMPT_POLICIES as ['best', 'shortest', 'all']),
  filters: z.array(z.enum(FILTER_NAMES)),
});

/** `distill curate RUN`: verify, filter, dedup, decontaminate and select a run's samples for export. */
export const command = defineCommand({
  meta: {
    name: 'curate',
    description: 'Verify, filter, dedup and decontaminate a generation run (rejection sampling) for export',
  },
  args: {
    run: { type: 'positional', required: true, description: 'Run id or name' },
    keep: { type: 'string', description: 'correct | all', default: 'correct' },
    'per-prompt': { type: 'string', description: 'best | shortest | all samples per prompt', default: 'all' },
    filters: {
      type: 'string',
      description: `Comma-separated: ${FILTER_NAMES.join(',')}`,
      default: FILTER_NAMES.join(','),
    },
    'min-chars': {
      type: 'string',
      description: 'Length filter: fewest characters of thinking + answer (default 10)',
    },
    'max-chars': {
      type: 'string',
      description: 'Length filter: most characters of thinking + answer (default 64000)',
    },
    'keep-forced': {
      type: 'boolean',
      description:
        'cut-short filter: keep traces whose thinking a budget, answer-now or the max-tokens reserve ended (cut ones are still dropped)',
      default: false,
    },
    decontaminate: {
      type: 'string',
      description:
        'Comma-separated eval sets to decontaminate against: gsm8k, math500, builtin-eval, or JSONL files',
    },
    ...verifierArg,
    'verify-workers': {
      type: 'string',
      description: 'Math-Verify worker processes with --verifier math-verify (default 2)',
    },
    ...storeArg,
    ...jsonArg,
  },
  async run({ args }) {
    const verifier = verifierName(args.verifier);
    const workers = intArg(args['verify-workers'], 'verify-workers', 2, 1);
    const opts = validate(
      OptionsSchema,
      { keep: args.keep, perPrompt: args['per-prompt'], filters: list(args.filters) },
      'curate options',
    );
    const minChars = optNumArg(args['min-chars'], 'min-chars');
    const maxChars = optNumArg(args['max-chars'], 'max-chars');
    const store = openStoreFromArgs(args, { mustExist: true });
    const { signal, dispose } = interruptSignal();
    const progress = new Progress({ label: 'curate', total: 0, json: args.json, unit: 'samples' });
    let pool: MathVerifyPool | undefined;
    try {
      if (verifier === 'math-verify') pool = await openMathVerifyPool({ workers, signal });
      const checkMany = pool ? pool.checkMany.bind(pool) : undefined;
      const summary = await curateRun(store, args.run, {
        ...opts,
        ...(checkMany
          ? { verifyMany: createBatchSampleVerifier((inputs) => checkMany(inputs, { signal })) }
          : {}),
        filterOptions: {
          cutShort: { keepForced: Boolean(args['keep-forced']) },
          length: {
            ...(minChars !== undefined ? { minChars } : {}),
            ...(maxChars !== undefined ? { maxChars } : {}),
          },
        },
        decontaminate: list(args.decontaminate),
        signal,
        onProgress: (done, total) => {
          progress.setTotal(total);
          progress.update(done);
        },
      });
      progress.stop();
      emit(args.json, summary, () => renderCurationSummary(summary));
    } finally {
      progress.stop();
      pool?.close();
      dispose();
      store.close();
    }
  },
});
