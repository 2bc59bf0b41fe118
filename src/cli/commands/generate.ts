import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { generateFromSpec } from '../../generate/generate-from-spec.ts';
import type { GenerationProgress, GenerationResult } from '../../generate/options.ts';
import { parseTaskSpec } from '../../tasks/spec.ts';
import { parseTeacherUri } from '../../teachers/uri.ts';
import {
  httpThreadsArg,
  httpThreadsOption,
  intArg,
  jsonArg,
  optNumArg,
  positiveNumArg,
  repeatedArg,
  temperatureArg,
  topPArg,
} from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { Progress } from '../progress.ts';
import { openStoreFromArgs, openStoreToLook, storeArg } from './_store.ts';

function errorsLine(p: GenerationProgress): string {
  const kinds = Object.entries(p.errors).map(([k, n]) => `${k}:${n}`);
  return kinds.length > 0 ? ` | errors ${kinds.join(' ')}` : '';
}

/** The failed requests by kind, each with its first message and what to do. */
function failureLines(r: GenerationResult): string[] {
  const kinds = Object.entries(r.failures);
  if (kinds.length === 0) return [];
  return [
    '  failed requests by kind:',
    ...kinds.flatMap(([kind, f]) => [`    ${kind}: ${f.requests} — ${f.example}`, `      hint: ${f.hint}`]),
  ];
}

/** `--writer-thread auto|on|off`. */
function writerThreadArg(value: string | undefined): boolean | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'on' || value === 'off') return value === 'on';
  throw new InvalidInputError(`--writer-thread must be auto, on or off, not '${value}'`, {
    hint: 'leave it out (auto) unless measuring',
  });
}

/** `distill generate`: query a teacher for K samples per problem, resumably, with provenance. */
export const command = defineCommand({
  meta: {
    name: 'generate',
    description: 'Query a teacher for reasoning traces (resumable, rate-limited, costed)',
  },
  args: {
    ...jsonArg,
    ...storeArg,
    teacher: {
      type: 'string',
      description:
        'Teacher URI, e.g. deepseek:deepseek-reasoner; repeat it for a pool of endpoints of one model',
    },
    teachers: {
      type: 'string',
      description: 'Teacher pool file (YAML: teachers: [{uri, weight, concurrency, rpm}])',
    },
    tasks: { type: 'string', required: true, description: 'Task spec, e.g. add:2000:train,gsm8k:50' },
    out: { type: 'string', required: true, description: 'Run name; re-running the same command resumes it' },
    samples: { type: 'string', description: 'Samples per problem (K). Defaults to 1' },
    concurrency: { type: 'string', description: 'Requests in flight. Defaults to 8' },
    rpm: { type: 'string', description: 'Requests per minute. Defaults to no limit' },
    tpm: { type: 'string', description: 'Tokens per minute. Defaults to no limit' },
    'max-cost': { type: 'string', description: 'Hard spending limit in USD over the whole run' },
    'max-tokens': {
      type: 'string',
      description: 'Tokens per reply (thinking + answer); a hard stop (finish "length"). Defaults to 8192',
    },
    'thinking-budget': {
      type: 'string',
      description: 'Thinking tokens before the answer is forced (opt-in; recorded). Defaults to none',
    },
    temperature: { type: 'string', description: 'Defaults to 0.6' },
    'top-p': { type: 'string', description: 'Defaults to 0.95' },
    seed: { type: 'string', description: 'Base seed for per-sample seeds. Defaults to 0' },
    timeout: { type: 'string', description: 'Per-request timeout in seconds. Defaults to 600' },
    retries: { type: 'string', description: 'Retries per request on transient faults. Defaults to 5' },
    ...httpThreadsOption,
    terms: { type: 'string', description: 'Terms id when the guess is wrong (e.g. distill-builtin)' },
    config: {
      type: 'string',
      description: 'Config file (prices, key env names). Defaults to ./distill.config.json',
    },
    verify: {
      type: 'boolean',
      description: 'Fill verdicts at generation time (--no-verify to skip)',
      default: true,
    },
    'dry-run': { type: 'boolean', description: 'Estimate tokens and cost; send nothing', default: false },
    'writer-thread': {
      type: 'string',
      description:
        'Commit samples on a worker thread: auto (runs of two batches or more, on 2+ cores), on, off. Defaults to auto',
    },
  },
  run: async ({ args, rawArgs }) => {
    const json = Boolean(args.json);
    const samples = intArg(args.samples, 'samples', 1, 1);
    const maxCost = optNumArg(args['max-cost'], 'max-cost');
    if (maxCost !== undefined && maxCost < 0) throw new InvalidInputError('--max-cost must be ≥ 0');
    // every option is checked before the store is opened or anything is sent
    const settings = {
      samples,
      concurrency: intArg(args.concurrency, 'concurrency', 8, 1),
      ...(args.rpm ? { rpm: intArg(args.rpm, 'rpm', 0, 1) } : {}),
      ...(args.tpm ? { tpm: intArg(args.tpm, 'tpm', 0, 1) } : {}),
      ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
      maxTokens: intArg(args['max-tokens'], 'max-tokens', 8192, 1),
      ...(args['thinking-budget'] !== undefined
        ? { thinkingBudget: intArg(args['thinking-budget'], 'thinking-budget', 0, 0) }
        : {}),
      temperature: temperatureArg(args.temperature, 0.6),
      topP: topPArg(args['top-p'], 0.95),
      seed: intArg(args.seed, 'seed', 0),
      requestTimeoutMs: positiveNumArg(args.timeout, 'timeout', 600) * 1000,
      maxRetries: intArg(args.retries, 'retries', 5, 0),
      httpThreads: httpThreadsArg(args['http-threads']),
      writerThread: writerThreadArg(args['writer-thread']),
    };
    const uris = repeatedArg(rawArgs, 'teacher', args.teacher);
    for (const uri of uris) parseTeacherUri(uri);
    parseTaskSpec(args.tasks);
    // A dry run sends nothing and writes nothing: it must not create or migrate the store either.
    const store = args['dry-run'] ? openStoreToLook(args) : openStoreFromArgs(args);
    const interrupt = interruptSignal();
    let progress: Progress | undefined;
    try {
      const outcome = await generateFromSpec({
        store,
        teacherUri: uris,
        ...(args.teachers ? { teachersFile: args.teachers } : {}),
        tasks: args.tasks,
        runName: args.out,
        ...settings,
        verify: args.verify !== false,
        dryRun: Boolean(args['dry-run']),
        signal: interrupt.signal,
        ...(args.terms ? { termsId: args.terms } : {}),
        ...(args.config ? { configPath: args.config } : {}),
        onStart: ({ teacher, terms, problemCount }) => {
          const p = terms.usePolicy;
          const line = `teacher ${teacher.info.uri} · terms ${terms.id} (${terms.url}) · train: ${p.train} · commercial: ${p.commercialOk ? 'yes' : 'no'}${p.obligations.length ? ` · obligations: ${p.obligations.join('; ')}` : ''}`;
          if (json)
            process.stderr.write(
              `${JSON.stringify({ type: 'policy', teacher: teacher.info.uri, terms: terms.id, usePolicy: p })}\n`,
            );
          else
            process.stderr.write(
              `${line}\n${p.train === 'allowed' ? '' : `warning: samples are marked train=${p.train}; export will enforce it\n`}`,
            );
          if (!args['dry-run'])
            progress = new Progress({
              label: args.out,
              total: (problemCount ?? 0) * samples,
              json,
              unit: 'req',
            });
        },
        onProgress: (p) =>
          progress?.update(p.done, {
            costUsd: p.costUsd,
            status: `${p.reqPerSec.toFixed(1)} req/s ${Math.round(p.tokensPerSec)} tok/s${p.failed ? ` | failed ${p.failed}` : ''}${errorsLine(p)}`,
          }),
      });
      progress?.stop();
      if (outcome.kind === 'dry-run') {
        const e = outcome.estimate;
        emit(json, outcome, () =>
          [
            `dry run: ${e.requests} requests (${e.problems} problems × ${samples}${e.alreadyDone ? `, ${e.alreadyDone} already done` : ''})`,
            `  input tokens ≈ ${e.inputTokens}`,
            `  output tokens ≤ ${e.maxOutputTokens} (typical ≈ ${e.typicalOutputTokens})`,
            `  cost ≤ $${e.costUpperUsd.toFixed(4)} (typical ≈ $${e.costTypicalUsd.toFixed(4)}) at $${e.price.input}/$${e.price.output} per M tokens`,
          ].join('\n'),
        );
        return;
      }
      const r = outcome.result;
      emit(
        json,
        {
          teacher: outcome.teacher,
          terms: outcome.terms.id,
          trainPolicy: outcome.terms.usePolicy.train,
          ...r,
        },
        () =>
          [
            `${r.runName}: ${r.status}${r.stopReason ? ` (${r.stopReason})` : ''} — ${r.done}${r.total !== undefined ? `/${r.total}` : ''} samples (${r.completed} new, ${r.skipped} already done, ${r.failed} failed)`,
            `  tokens in ${r.tokens.input}, reasoning ${r.tokens.reasoning}, out ${r.tokens.output} · cost $${r.costUsd.toFixed(4)} · ${(r.elapsedMs / 1000).toFixed(1)}s`,
            ...(Object.keys(r.errors).length ? [`  faults ${errorsLine(r).slice(10)}`] : []),
            ...failureLines(r),
            r.failed > 0 || r.status !== 'completed' ? `  re-run the same command to resume` : '',
          ]
            .filter(Boolean)
            .join('\n'),
      );
      if (r.status === 'interrupted') process.exitCode = EXIT.interrupted;
      else if (r.status === 'incomplete' || r.failed > 0) process.exitCode = EXIT.incomplete;
    } finally {
      progress?.stop();
      interrupt.dispose();
      store.close();
    }
  },
});
