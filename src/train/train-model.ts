import { appendFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { STUDENT_CHAT_TEMPLATE, STUDENT_TEMPLATE_ID } from '../core/chat-format.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { validate } from '../core/validate.ts';
import { checkTrainableBase } from './gguf-architecture.ts';
import { initModel } from './init-model.ts';
import { filesSha256 } from './provenance.ts';
import { tokenizeDataset } from './tokenize-dataset.ts';
import { type TrainOptionsInput, TrainOptionsSchema } from './train-options.ts';
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
  runDir: string;
  metrics: string;
  steps: number;
  loss: number | null;
  evalLoss: number | null;
  tokens: number;
  seconds: number;
  params: number;
  docs: number;
}

/** `<out>.run` next to the output GGUF (without the `.gguf` suffix). */
export function defaultRunDir(out: string): string {
  return `${out.replace(/\.gguf$/i, '')}.run`;
}

/**
 * Supervised fine-tuning end to end: (fresh preset model →) tokenise the chat-format data with the model's
 * tokenizer → run the PyTorch worker → write the output GGUF. Every worker event is appended to
 * `<runDir>/metrics.jsonl` with a timestamp.
 */
export async function trainModel(input: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const o = validate(TrainOptionsSchema, input, 'train options');
  if (o.base && (await stat(resolve(o.base)).catch(() => undefined))) checkTrainableBase(resolve(o.base));
  const out = resolve(o.out);
  const runDir = resolve(o.runDir ?? defaultRunDir(out));
  await mkdir(runDir, { recursive: true });
  const metrics = join(runDir, 'metrics.jsonl');
  const emit = (event: WorkerEvent): void => {
    appendFileSync(metrics, `${JSON.stringify({ t: Date.now(), ...event })}\n`);
    hooks.onEvent?.(event);
  };
  const venvOpt = hooks.venv ? { venv: hooks.venv } : {};
  const signalOpt = hooks.signal ? { signal: hooks.signal } : {};

  let base = o.base ? resolve(o.base) : join(runDir, 'init.gguf');
  if (o.base) {
    if (!(await stat(base).catch(() => undefined)))
      throw new NotFoundError('model', `no such base model: ${o.base}`, {
        hint: 'pass a GGUF file (F32/F16/BF16 or quantized)',
      });
  } else {
    const haveInit = o.resume && (await stat(base).catch(() => undefined));
    if (!haveInit) {
      emit({ type: 'phase', phase: 'init', preset: o.preset });
      await initModel({ preset: o.preset ?? '', out: base, seed: o.seed, ...venvOpt, ...signalOpt });
    }
  }
  base = resolve(base);

  emit({ type: 'phase', phase: 'tokenize' });
  const files = await resolveDataFiles(o.data);
  const data = await tokenizeDataset({
    model: base,
    rows: readTrainingRows(files, hooks.signal),
    outDir: join(runDir, 'data'),
    withThinking: o.thinking,
    ...signalOpt,
  });
  emit({
    type: 'tokenized',
    docs: data.docs,
    tokens: data.tokens,
    lossTokens: data.lossTokens,
    maxDocTokens: data.maxDocTokens,
  });

  // Rows hold the longest example and, when examples are short, about two average ones (less padding).
  const want = Math.max(data.maxDocTokens, (2.2 * data.tokens) / data.docs);
  const seqLen = o.seqLen ?? Math.min(1024, Math.max(64, Math.ceil(want / 64) * 64));
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
    gradCheckpoint: o.gradCheckpoint,
    chatTemplate: STUDENT_CHAT_TEMPLATE,
    name: o.name ?? basename(out).replace(/\.gguf$/i, ''),
    metadata: {
      template_id: STUDENT_TEMPLATE_ID,
      thinking: o.thinking ? 'trained' : 'answer-only',
      ...(o.preset
        ? { preset: o.preset }
        : { base: basename(base), base_sha256: await filesSha256([base], hooks.signal) }),
      data_rows: data.docs,
      data_files: files.map((f) => basename(f)).join(','),
      dataset_sha256: await filesSha256(files, hooks.signal),
    },
  };
  const configPath = join(runDir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const { done } = await runWorker(['train', '--config', configPath], {
    ...venvOpt,
    ...signalOpt,
    nproc: o.nproc,
    onEvent: emit,
    ...(hooks.onStderr ? { onStderr: hooks.onStderr } : {}),
  });
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    out,
    runDir,
    metrics,
    steps: num(done.steps) ?? 0,
    loss: num(done.loss),
    evalLoss: num(done.evalLoss),
    tokens: num(done.tokens) ?? 0,
    seconds: num(done.seconds) ?? 0,
    params: num(done.params) ?? 0,
    docs: data.docs,
  };
}
