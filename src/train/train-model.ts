import { appendFileSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { STUDENT_CHAT_TEMPLATE, STUDENT_TEMPLATE_ID } from '../core/chat-format.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { filesSha256 } from '../core/hash.ts';
import { validate } from '../core/validate.ts';
import { checkTrainableBase } from './gguf-architecture.ts';
import { initModel } from './init-model.ts';
import { runOnPolicy } from './kd/on-policy.ts';
import { prepareKd } from './kd/prepare-kd.ts';
import { resolveBase } from './resolve-base.ts';
import { type TokenizedDataset, tokenizeDataset } from './tokenize-dataset.ts';
import { type TrainOptions, type TrainOptionsInput, TrainOptionsSchema } from './train-options.ts';
import { readTrainingRows, resolveDataFiles } from './training-rows.ts';
import type { VenvOptions } from './venv.ts';
import { runWorker } from './worker.ts';
import type { WorkerEvent } from './worker-events.ts';

export interface TrainHooks {
  /** Every worker event (start, step, eval, checkpoint, done), plus `{type:"phase"}` for init/tokenise. */
  onEvent?: (event: WorkerEvent) => void;
  /** On abort the worker checkpoints and the call rejects with AbortedError (resume with `resume: true`). */
  signal?: AbortSignal;
  venv?: VenvOptions;
  /** Worker stderr. Defaults to ignoring it. */
  onStderr?: (text: string) => void;
}

export interface TrainResult {
  out: string;
  /** Whether this process wrote `out`: false on the nodes other than node 0 of a multi-node run. */
  written: boolean;
  runDir: string;
  metrics: string;
  steps: number;
  loss: number | null;
  evalLoss: number | null;
  tokens: number;
  seconds: number;
  params: number;
  docs: number;
  /** Examples left out for being longer than a row. */
  dropped: number;
}

/** `<out>.run` next to the output GGUF (without the `.gguf` suffix). */
export function defaultRunDir(out: string): string {
  return `${out.replace(/\.gguf$/i, '')}.run`;
}

/** The default longest packed row (tokens) when `seqLen` is not given. */
export const DEFAULT_MAX_SEQ_LEN = 1024;

/** What {@link prepareTraining} leaves ready for the worker. */
export interface PreparedTraining {
  out: string;
  runDir: string;
  metrics: string;
  configPath: string;
  data: TokenizedDataset;
  emit: (event: WorkerEvent) => void;
  options: TrainOptions;
  /** The model training starts from: the base GGUF or the fresh preset's `init.gguf`. */
  base: string;
}

/** What {@link prepareTraining} leaves for on-policy distillation: rounds that each prepare their own data. */
export interface PreparedOnPolicy extends Omit<PreparedTraining, 'configPath' | 'data'> {
  onPolicy: true;
}

/**
 * Everything before the worker trains: check the options, the base model and every data row (writing nothing
 * when any is bad), then the fresh preset model, the tokenised data (examples longer than a row are dropped with
 * a `warning` event; none left is an error) and the worker's config. A run folder this call created is removed
 * again when a later step fails.
 */
export async function prepareTraining(
  input: TrainOptionsInput,
  hooks?: TrainHooks,
): Promise<PreparedTraining>;
export async function prepareTraining(
  input: TrainOptionsInput,
  hooks: TrainHooks,
  allowOnPolicy: true,
): Promise<PreparedTraining | PreparedOnPolicy>;
export async function prepareTraining(
  input: TrainOptionsInput,
  hooks: TrainHooks = {},
  allowOnPolicy = false,
): Promise<PreparedTraining | PreparedOnPolicy> {
  const o = validate(TrainOptionsSchema, input, 'train options');
  const out = resolve(o.out);
  // Nodes other than 0 keep their tokenised data, config and metrics in `node-R/` (the run folder may be shared
  // storage) and share node 0's checkpoints, which every rank of a multi-node run must see.
  const sharedRunDir = resolve(o.runDir ?? defaultRunDir(out));
  const runDir = o.nodeRank > 0 ? join(sharedRunDir, `node-${o.nodeRank}`) : sharedRunDir;
  const venvOpt = hooks.venv ? { venv: hooks.venv } : {};
  const signalOpt = hooks.signal ? { signal: hooks.signal } : {};

  // 1. Check every input before writing anything.
  // `ollama:NAME[:TAG]` → the model's blob in the local Ollama store; `~/…` expanded.
  const basePath = o.base ? resolveBase(o.base) : undefined;
  if (o.base && basePath && !(await stat(basePath).catch(() => undefined)))
    throw new NotFoundError('model', `no such base model: ${o.base}`, {
      hint: 'pass a GGUF file (F32/F16/BF16 or quantized)',
    });
  if (basePath) checkTrainableBase(basePath);
  const files = await resolveDataFiles(o.data);
  let rows = 0;
  for await (const _ of readTrainingRows(files, hooks.signal)) rows += 1;
  if (rows === 0)
    throw new InvalidInputError(`the training data in ${o.data} has no rows`, {
      hint: 'pass chat-format JSONL: one {"messages":[user, assistant]} per line',
      field: 'data',
    });

  // 2. Write: init model, tokenised data, config. Undo a run folder this call created if a step fails.
  const created = !(await stat(runDir).catch(() => undefined));
  await mkdir(runDir, { recursive: true });
  try {
    const metrics = join(runDir, 'metrics.jsonl');
    const emit = (event: WorkerEvent): void => {
      appendFileSync(metrics, `${JSON.stringify({ t: Date.now(), ...event })}\n`);
      hooks.onEvent?.(event);
    };
    let base = basePath ?? join(runDir, 'init.gguf');
    if (!o.base) {
      const haveInit = o.resume && (await stat(base).catch(() => undefined));
      if (!haveInit) {
        emit({ type: 'phase', phase: 'init', preset: o.preset });
        await initModel({ preset: o.preset ?? '', out: base, seed: o.seed, ...venvOpt, ...signalOpt });
      }
    }
    base = resolve(base);
    if (o.kd === 'on-policy' && !o.kdRound) {
      if (!allowOnPolicy)
        throw new InvalidInputError('on-policy training is run by trainModel', { field: 'kd' });
      // Rounds of sample (student GGUF, runtime) → score (teacher) → train (worker); see kd/on-policy.ts.
      return { onPolicy: true, out, runDir, metrics, emit, options: o, base };
    }

    emit({ type: 'phase', phase: 'tokenize' });
    const maxRow = o.seqLen ?? DEFAULT_MAX_SEQ_LEN;
    const data = await tokenizeDataset({
      model: base,
      rows: readTrainingRows(files, hooks.signal),
      outDir: join(runDir, 'data'),
      withThinking: o.thinking,
      maxTokensPerExample: maxRow + 1, // a packed row holds seqLen + 1 tokens (inputs and shifted targets)
      ...signalOpt,
    });
    if (data.dropped.count > 0)
      emit({
        type: 'warning',
        code: 'W_LONG_EXAMPLES',
        dropped: data.dropped.count,
        longestTokens: data.dropped.longestTokens,
        message: `dropped ${data.dropped.count} of ${data.docs + data.dropped.count} examples longer than the ${maxRow}-token row (longest ${data.dropped.longestTokens} tokens; rows ${data.dropped.firstRows.join(', ')}${data.dropped.count > data.dropped.firstRows.length ? ', …' : ''}); raise --seq-len to keep them`,
      });
    emit({
      type: 'tokenized',
      docs: data.docs,
      tokens: data.tokens,
      lossTokens: data.lossTokens,
      maxDocTokens: data.maxDocTokens,
      dropped: data.dropped.count,
    });

    const kd = await prepareKd(o, { student: base, dataDir: data.dir, runDir, emit, ...signalOpt });

    // Rows hold the longest example and, when examples are short, about two average ones (less padding).
    const want = Math.max(data.maxDocTokens, (2.2 * data.tokens) / data.docs);
    const seqLen = o.seqLen ?? Math.min(DEFAULT_MAX_SEQ_LEN, Math.max(64, Math.ceil(want / 64) * 64));
    if (o.batchTokens < seqLen)
      throw new InvalidInputError(
        `--batch-tokens (${o.batchTokens}) must be at least the row length ${seqLen}`,
        {
          field: 'batch-tokens',
        },
      );
    const config = {
      base,
      data: data.dir,
      out,
      runDir,
      seqLen,
      batchTokens: o.batchTokens,
      microBatchTokens: o.microBatchTokens,
      epochs: o.epochs,
      maxSteps: o.maxSteps,
      lr: o.lr ?? (o.preset ? 1e-3 : 2e-5),
      warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay,
      gradClip: o.gradClip,
      evalFraction: o.evalFraction,
      checkpointEvery: o.checkpointEvery,
      seed: o.seed,
      threads: o.threads,
      device: o.device,
      resume: o.resume,
      loraRank: o.loraRank,
      loraAlpha: o.loraAlpha ?? 2 * o.loraRank,
      loraDropout: o.loraDropout,
      loraTargets: o.loraTargets,
      loraExport: o.loraExport,
      gradCheckpoint: o.gradCheckpoint,
      fsdp: o.fsdp,
      checkpointDir: join(sharedRunDir, 'checkpoints'),
      ...kd.config,
      ...(o.kdCarry
        ? {
            optimizerIn: o.kdCarry.optimizerIn ?? '',
            optimizerOut: o.kdCarry.optimizerOut,
            scheduleOffset: o.kdCarry.scheduleOffset,
            scheduleTotal: o.kdCarry.scheduleTotal,
          }
        : {}),
      // A Distill student keeps the student template; a base keeps its own (the data was rendered with it).
      chatTemplate: data.templateId === STUDENT_TEMPLATE_ID ? STUDENT_CHAT_TEMPLATE : '',
      name: o.name ?? basename(out).replace(/\.gguf$/i, ''),
      metadata: {
        template_id: data.templateId,
        thinking_format: data.thinkingFormat,
        thinking: o.thinking ? 'trained' : 'answer-only',
        ...(o.preset
          ? { preset: o.preset }
          : {
              base: o.base?.startsWith('ollama:') ? o.base : basename(base),
              base_sha256: await filesSha256([base], hooks.signal),
            }),
        data_rows: data.docs,
        data_files: files.map((f) => basename(f)).join(','),
        dataset_sha256: await filesSha256(files, hooks.signal),
        ...kd.metadata,
      },
    };
    const configPath = join(runDir, 'config.json');
    await writeFile(configPath, JSON.stringify(config, null, 2));
    return { out, runDir, metrics, configPath, data, emit, options: o, base };
  } catch (error) {
    if (created) await rm(runDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Supervised fine-tuning end to end: (fresh preset model →) tokenise the chat-format data with the model's
 * tokenizer → run the PyTorch worker → write the output GGUF. Every worker event is appended to
 * `<runDir>/metrics.jsonl` with a timestamp.
 */
export async function trainModel(input: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const prepared = await prepareTraining(input, hooks, true);
  if ('onPolicy' in prepared) return trainOnPolicy(prepared, hooks);
  const { out, runDir, metrics, configPath, data, emit, options: o } = prepared;
  const venvOpt = hooks.venv ? { venv: hooks.venv } : {};
  const signalOpt = hooks.signal ? { signal: hooks.signal } : {};
  const { done } = await runWorker(['train', '--config', configPath], {
    ...venvOpt,
    ...signalOpt,
    nproc: o.nproc,
    nnodes: o.nnodes,
    nodeRank: o.nodeRank,
    ...(o.rdzv ? { rdzv: o.rdzv } : {}),
    onEvent: emit,
    ...(hooks.onStderr ? { onStderr: hooks.onStderr } : {}),
  });
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    out,
    written: typeof done.out === 'string',
    runDir,
    metrics,
    steps: num(done.steps) ?? 0,
    loss: num(done.loss),
    evalLoss: num(done.evalLoss),
    tokens: num(done.tokens) ?? 0,
    seconds: num(done.seconds) ?? 0,
    params: num(done.params) ?? 0,
    docs: data.docs,
    dropped: data.dropped.count,
  };
}

/** On-policy distillation: rounds of student sampling, teacher scoring and a short training run each. */
async function trainOnPolicy(p: PreparedOnPolicy, hooks: TrainHooks): Promise<TrainResult> {
  const { options: o, base, runDir, out, metrics, emit } = p;
  const signalOpt = hooks.signal ? { signal: hooks.signal } : {};
  let last: TrainResult | undefined;
  let steps = 0;
  let tokens = 0;
  const t0 = Date.now();
  await runOnPolicy(o, { base, runDir, out, emit, ...signalOpt }, async (round, roundOut) => {
    const { preset: _preset, ...rest } = o;
    last = await trainModel(
      {
        ...rest,
        data: round.data,
        base: round.student,
        out: roundOut,
        runDir: join(runDir, `round-${round.round}`, 'run'),
        maxSteps: round.steps,
        // One run: AdamW's moments and the LR schedule (warmup + cosine over all rounds) carry across rounds.
        warmupSteps:
          o.warmupSteps >= 0 ? o.warmupSteps : Math.min(100, Math.max(1, Math.floor(round.totalSteps / 20))),
        kdCarry: {
          ...(round.round > 1
            ? { optimizerIn: join(runDir, `round-${round.round - 1}`, 'optimizer.pt') }
            : {}),
          optimizerOut: join(runDir, `round-${round.round}`, 'optimizer.pt'),
          scheduleOffset: round.offset,
          scheduleTotal: round.totalSteps,
        },
        resume: false,
        seed: o.seed + round.round,
        name: o.name ?? basename(out).replace(/\.gguf$/i, ''),
        kdRound: true,
      },
      hooks,
    );
    steps += last.steps;
    tokens += last.tokens;
  });
  if (!last) throw new InvalidInputError('on-policy training ran no round', { field: 'max-steps' });
  return { ...(last as TrainResult), out, runDir, metrics, steps, tokens, seconds: (Date.now() - t0) / 1000 };
}
