import { basename, extname } from 'node:path';
import { defineCommand } from 'citty';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { comparisonMarkdown } from '../../eval/compare-table.ts';
import { checkAnswer, evaluate } from '../../eval/evaluate.ts';
import { openEvalModel } from '../../eval/open-model.ts';
import { MATH_VERIFY_VERSION, type MathVerifyPool } from '../../verify/math-verify-pool.ts';
import {
  httpThreadsArg,
  httpThreadsOption,
  intArg,
  jsonArg,
  repeatedArg,
  temperatureArg,
  topPArg,
} from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import { Progress } from '../progress.ts';
import { openMathVerifyPool, verifierArg, verifierName } from '../verifier.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

function budgetsArg(value: string | undefined): number[] {
  if (!value) return [];
  return value.split(',').map((v) => intArg(v.trim(), 'thinking-budgets', 0, 0));
}

/** `distill eval`: evaluate a teacher URI or a local GGUF on task problems, with reproducible stored reports. */
export const command = defineCommand({
  meta: {
    name: 'eval',
    description:
      'Evaluate a model (teacher URI or GGUF) on tasks: pass@1 with CI, maj@K, pass@K, tokens, speed',
  },
  args: {
    model: {
      type: 'string',
      description: 'Teacher URI or path to a .gguf; repeat a URI for a pool of endpoints of one model',
    },
    teachers: {
      type: 'string',
      description: 'Teacher pool file (YAML: teachers: [{uri, weight, concurrency, rpm}])',
    },
    concurrency: {
      type: 'string',
      description: 'Requests in flight per teacher endpoint (pool entries may set their own). Defaults to 8',
    },
    tasks: {
      type: 'string',
      description: "Task spec, e.g. 'add:100:eval,sort:100:eval' or 'gsm8k:50'",
      required: true,
    },
    out: { type: 'string', description: 'Report JSON file to write (its name is the report name)' },
    name: {
      type: 'string',
      description: 'Report name in the store. Defaults to the --out file stem or the model name',
    },
    samples: { type: 'string', description: 'Samples per problem (K). Defaults to 1' },
    temperature: { type: 'string', description: 'Defaults to 0 (greedy) with K=1, else 0.6' },
    'top-p': { type: 'string', description: 'Defaults to 0.95 (1 when greedy)' },
    'max-tokens': { type: 'string', description: 'Thinking + answer tokens. Defaults to 512' },
    'thinking-budget': { type: 'string', description: 'Thinking-token budget for the main evaluation' },
    'thinking-budgets': {
      type: 'string',
      description: 'Comma list of budgets for the test-time-scaling curve, e.g. 0,32,64,128',
    },
    seed: { type: 'string', description: 'Defaults to 1' },
    slots: { type: 'string', description: 'Sequences decoded together for local models. Defaults to 16' },
    ...httpThreadsOption,
    ...verifierArg,
    ...storeArg,
    ...jsonArg,
  },
  run: async ({ args, rawArgs }) => {
    const verifier = verifierName(args.verifier);
    const models = repeatedArg(rawArgs, 'model', args.model);
    if (models.length === 0 && !args.teachers)
      throw new InvalidInputError('distill eval needs --model (or --teachers FILE)', {
        hint: 'pass --model URI|PATH.gguf, repeat --model URI for a pool, or give --teachers teachers.yaml',
      });
    const samples = intArg(args.samples, 'samples', 1, 1);
    const temperature = temperatureArg(args.temperature, samples > 1 ? 0.6 : 0);
    const settings = {
      samples,
      temperature,
      topP: topPArg(args['top-p'], temperature === 0 ? 1 : 0.95),
      maxTokens: intArg(args['max-tokens'], 'max-tokens', 512, 1),
      thinkingBudget: args['thinking-budget']
        ? intArg(args['thinking-budget'], 'thinking-budget', 0, 0)
        : null,
      seed: intArg(args.seed, 'seed', 1),
    };
    if (args.out && extname(args.out) !== '.json')
      throw new InvalidInputError(`--out must be a .json file, got '${args.out}'`);
    const opened = await openEvalModel(models, {
      slots: intArg(args.slots, 'slots', 16, 1),
      concurrency: intArg(args.concurrency, 'concurrency', 8, 1),
      httpThreads: httpThreadsArg(args['http-threads']),
      ...(args.teachers ? { teachersFile: args.teachers } : {}),
    });
    const name = args.name ?? (args.out ? basename(args.out, '.json') : opened.descriptor.label);
    const store = openStoreFromArgs(args);
    const { signal, dispose } = interruptSignal();
    let progress: Progress | undefined;
    let pool: MathVerifyPool | undefined;
    try {
      if (verifier === 'math-verify') pool = await openMathVerifyPool({ workers: 2, signal });
      const mv = pool;
      const report = await evaluate({
        opened,
        ...(mv
          ? {
              check: (problem, trace) =>
                !problem.gold || trace.answer.trim() === ''
                  ? { ...checkAnswer(problem, trace), verifierVersion: MATH_VERIFY_VERSION }
                  : mv.check({ gold: problem.gold, pred: trace.answer, kind: problem.answerKind }),
              verifierVersion: MATH_VERIFY_VERSION,
            }
          : {}),
        tasks: args.tasks,
        settings,
        name,
        store,
        budgets: budgetsArg(args['thinking-budgets']),
        signal,
        onProgress: (done, total, phase) => {
          progress ??= new Progress({ label: `eval ${name}`, total, json: args.json, unit: 'samples' });
          progress.setTotal(total);
          progress.update(done, { status: phase });
        },
      });
      progress?.stop();
      if (args.out) {
        writeFileAtomic(args.out, `${JSON.stringify(report, null, 2)}\n`);
      }
      emit(
        args.json,
        {
          report: report.name,
          id: report.id,
          out: args.out ?? null,
          pass1: report.overall.pass1,
          overall: report.overall,
          byFamily: report.byFamily,
          budgetCurve: report.budgetCurve,
          ...(report.model.pool ? { pool: report.model.pool } : {}),
        },
        () =>
          [
            comparisonMarkdown([report]),
            ...(report.model.pool ?? []).map(
              (e) => `endpoint ${e.uri}: ${e.served} samples, ${e.faults} faults, ${e.health}`,
            ),
          ].join('\n'),
      );
    } finally {
      progress?.stop();
      pool?.close();
      dispose();
      store.close();
      await opened.dispose();
    }
  },
});
