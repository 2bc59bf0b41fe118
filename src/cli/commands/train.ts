import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { quantizeModel } from '../../runtime/quantize.ts';
import { describeLoaded, describeMemory } from '../../train/describe-events.ts';
import { initModel } from '../../train/init-model.ts';
import { defaultRunDir, trainModel } from '../../train/train-model.ts';
import { KD_MODES, type KdMode } from '../../train/train-options.ts';
import type { WorkerEvent } from '../../train/worker-events.ts';
import { intArg, jsonArg, optNumArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit, setupProgress } from '../output.ts';
import { Progress } from '../progress.ts';
import { storeArg } from './_store.ts';
import { recordTrainRun } from './_train-record.ts';

/** `distill train`: SFT of a preset or base GGUF on chat-format traces, GGUF out. */
export const command = defineCommand({
  meta: {
    name: 'train',
    description:
      'Train a student on chat-format JSONL traces (PyTorch worker): --data FILE|DIR --preset NAME|--base GGUF --out student.gguf. Without --data, writes a fresh preset model.',
  },
  args: {
    ...jsonArg,
    ...storeArg,
    data: { type: 'string', description: 'Chat-format JSONL file, or a folder of *.jsonl (curated export)' },
    preset: {
      type: 'string',
      description:
        'Fresh model preset: pico (0.11M), nano (0.21M), micro (0.9M), tiny (2.5M), small (6M), base (30M)',
    },
    base: {
      type: 'string',
      description:
        'Base GGUF to fine-tune (any type gguf-py dequantizes; llama, qwen2, qwen3, gemma3), or ollama:NAME[:TAG] from the local Ollama store',
    },
    out: { type: 'string', description: 'Output GGUF', required: true },
    'run-dir': {
      type: 'string',
      description: 'Checkpoints, tokenised data and metrics (default: <out>.run/)',
    },
    epochs: { type: 'string', description: 'Passes over the data (default 1)' },
    lr: { type: 'string', description: 'Peak learning rate (default 1e-3 presets, 2e-5 bases)' },
    'batch-tokens': { type: 'string', description: 'Tokens per optimizer step (default 8192)' },
    'micro-batch-tokens': {
      type: 'string',
      description: 'Tokens per forward pass; smaller = gradient accumulation',
    },
    'seq-len': {
      type: 'string',
      description:
        'Packed row length (default: the longest example or about two average ones, rounded up to 64, ≤1024; shorter rows make attention cheaper for tiny models)',
    },
    'max-steps': { type: 'string', description: 'Stop after N optimizer steps (overrides --epochs)' },
    'checkpoint-every': {
      type: 'string',
      description: 'Checkpoint every N steps (default: every 5 minutes)',
    },
    'eval-fraction': { type: 'string', description: 'Held-out share for eval loss (default 0.05)' },
    'warmup-steps': {
      type: 'string',
      description: 'Linear warmup steps (default 5% of the steps, at most 100)',
    },
    'weight-decay': { type: 'string', description: 'AdamW weight decay (default 0.1)' },
    resume: {
      type: 'boolean',
      description: 'Continue from the newest checkpoint in the run folder',
      default: false,
    },
    threads: { type: 'string', description: 'CPU threads for torch (default: all cores)' },
    seed: { type: 'string', description: 'Seed for init, split and order (default 0)' },
    thinking: {
      type: 'boolean',
      description: 'Train on thinking (use --no-thinking for answer-only students)',
      default: true,
    },
    nproc: {
      type: 'string',
      description: 'Processes per node under torchrun (DDP, or FSDP with --fsdp); default 1',
    },
    nnodes: {
      type: 'string',
      description: 'Nodes in a multi-node run (same command on each, with its own --node-rank); default 1',
    },
    'node-rank': {
      type: 'string',
      description: "This node's number 0 … nnodes-1; node 0 hosts --rdzv and writes the GGUF (default 0)",
    },
    rdzv: {
      type: 'string',
      description: 'HOST:PORT of the c10d rendezvous: node 0 and a free port (needed with --nnodes > 1)',
    },
    fsdp: {
      type: 'boolean',
      description:
        'Shard parameters, gradients and optimizer state over the ranks (FSDP2; sharded checkpoints)',
      default: false,
    },
    device: { type: 'string', description: 'auto | cpu | cuda (default auto)' },
    name: { type: 'string', description: 'general.name of the output model' },
    kd: {
      type: 'string',
      description:
        'Distillation loss: sft (text only, default) | forward-kl (teacher top-K on the same text) | on-policy',
    },
    'kd-teacher': {
      type: 'string',
      description:
        'Teacher for --kd forward-kl/on-policy (same tokenizer as the student): MODEL.gguf or openai-compatible:http://HOST:PORT/v1#MODEL',
    },
    'kd-top-k': { type: 'string', description: 'Teacher alternatives kept per token (default 20)' },
    'kd-temperature': { type: 'string', description: 'KD softmax temperature (default 1)' },
    'kd-alpha': {
      type: 'string',
      description:
        'KD loss weight; the rest goes to token cross-entropy (default 0.5 for forward-kl, 1 for on-policy)',
    },
    'kd-beta': {
      type: 'string',
      description: 'On-policy generalized JSD: 0 forward KL … 1 reverse KL (default 1)',
    },
    'kd-lambda': { type: 'string', description: 'Share of on-policy batches (default 1)' },
    'kd-round-steps': {
      type: 'string',
      description: 'On-policy: optimizer steps between sampling rounds (default 50)',
    },
    'kd-round-prompts': {
      type: 'string',
      description: 'On-policy: prompts the student answers per round (default 64)',
    },
    'kd-max-tokens': { type: 'string', description: 'On-policy: longest student sample (default 256)' },
    'lora-rank': {
      type: 'string',
      description: 'Train LoRA adapters of this rank (merged into the output); default 0 = full fine-tuning',
    },
    'lora-alpha': { type: 'string', description: 'LoRA alpha (default 2 × rank)' },
    'lora-dropout': { type: 'string', description: 'Dropout on the LoRA input (default 0)' },
    'lora-targets': { type: 'string', description: 'attn, mlp or attn,mlp (default attn,mlp)' },
    'lora-export': {
      type: 'string',
      description:
        'merged (default: adapters folded into the output) | adapter (a llama.cpp LoRA adapter GGUF for the base)',
    },
    quantize: {
      type: 'string',
      description: 'Also write a quantized copy beside --out: q8_0 or q4_k_m (<out>-<type>.gguf)',
    },
    'grad-checkpoint': {
      type: 'boolean',
      description: 'Activation checkpointing: recompute layers in backward, less memory',
      default: false,
    },
  },
  run: async ({ args }) => {
    const seed = intArg(args.seed, 'seed', 0);
    if (!args.data) {
      if (!args.preset)
        throw new InvalidInputError('pass --data FILE|DIR (or --preset NAME alone to write a fresh model)');
      const res = await initModel({
        preset: args.preset,
        venv: { onProgress: setupProgress(args.json) },
        out: args.out,
        seed,
        ...(args.name ? { name: args.name } : {}),
      });
      emit(
        args.json,
        res,
        () => `Wrote fresh ${res.preset} model (${res.params.toLocaleString()} params) to ${res.out}`,
      );
      return;
    }
    const quantize = args.quantize;
    if (quantize !== undefined && quantize !== 'q8_0' && quantize !== 'q4_k_m')
      throw new InvalidInputError(`--quantize must be q8_0 or q4_k_m, got '${quantize}'`, {
        field: 'quantize',
      });
    const loraExport = args['lora-export'];
    if (loraExport !== undefined && loraExport !== 'merged' && loraExport !== 'adapter')
      throw new InvalidInputError(`--lora-export must be merged or adapter, got '${loraExport}'`, {
        field: 'lora-export',
      });
    if (loraExport === 'adapter' && quantize !== undefined)
      throw new InvalidInputError(
        '--quantize applies to a model; with --lora-export adapter the output is an adapter',
        {
          hint: 'quantize the base instead, or export merged',
          field: 'quantize',
        },
      );
    const device = args.device ?? 'auto';
    if (device !== 'auto' && device !== 'cpu' && device !== 'cuda')
      throw new InvalidInputError(`--device must be auto, cpu or cuda, got '${device}'`);
    const kd = args.kd ?? 'sft';
    if (!(KD_MODES as readonly string[]).includes(kd))
      throw new InvalidInputError(`--kd must be one of ${KD_MODES.join(', ')}, got '${kd}'`, {
        field: 'kd',
      });
    const out = resolve(args.out);
    const recorder = recordTrainRun(args, {
      out,
      runDir: resolve(args['run-dir'] ?? defaultRunDir(out)),
      config: {
        data: resolve(args.data),
        ...(args.preset ? { preset: args.preset } : {}),
        ...(args.base ? { base: resolve(args.base) } : {}),
        kd,
        ...(args['max-steps'] ? { maxSteps: args['max-steps'] } : {}),
        ...(args.lr ? { lr: args.lr } : {}),
        seed,
        thinking: args.thinking,
      },
    });
    const { signal, dispose } = interruptSignal();
    let progress: Progress | undefined;
    const lastEval: { v?: number } = {};
    const onEvent = (e: WorkerEvent): void => {
      recorder.onEvent(e);
      if (e.type === 'warning')
        process.stderr.write(args.json ? `${JSON.stringify(e)}\n` : `warning: ${String(e.message)}\n`);
      if (e.type === 'phase' && !args.json)
        process.stderr.write(
          `${e.phase === 'init' ? 'Initialising model' : e.phase === 'score' ? 'Scoring the data with the teacher' : 'Tokenising data'}…\n`,
        );
      if (e.type === 'on-policy-round' && !args.json)
        process.stderr.write(
          `On-policy round ${String(e.round)}/${String(e.rounds)}: ${String(e.onPolicyRows)} student samples in ${Number(e.sampleSeconds).toFixed(1)}s\n`,
        );
      if (e.type === 'loaded' && !args.json) process.stderr.write(`${describeLoaded(e)}\n`);
      if (e.type === 'memory' && !args.json) process.stderr.write(`${describeMemory(e)}\n`);
      if (e.type === 'start' && typeof e.totalSteps === 'number') {
        progress?.stop(); // on-policy: one worker (and one bar) per round
        progress = new Progress({
          label: 'train',
          total: e.totalSteps,
          json: args.json,
          unit: 'step',
          intervalMs: 5000,
          start: typeof e.startStep === 'number' ? e.startStep : 0,
        });
        if (typeof e.startStep === 'number' && e.startStep > 0 && !args.json)
          process.stderr.write(`Resuming at step ${e.startStep}/${e.totalSteps}\n`);
      }
      if (e.type === 'eval' && typeof e.evalLoss === 'number') lastEval.v = e.evalLoss;
      if (e.type === 'step' && typeof e.step === 'number') {
        const loss = typeof e.loss === 'number' ? e.loss.toFixed(4) : '?';
        const tps = typeof e.tokensPerS === 'number' ? Math.round(e.tokensPerS) : 0;
        const ev = lastEval.v !== undefined ? ` eval ${lastEval.v.toFixed(4)}` : '';
        progress?.update(e.step, { status: `loss ${loss}${ev} | ${tps} tok/s` });
      }
    };
    try {
      const num = (v: string | undefined, flag: string): number | undefined => optNumArg(v, flag);
      const int = (v: string | undefined, flag: string): number | undefined =>
        v === undefined ? undefined : intArg(v, flag, 0, 0);
      const res = await trainModel(
        {
          data: args.data,
          out: args.out,
          ...(args.preset ? { preset: args.preset } : {}),
          ...(args.base ? { base: args.base } : {}),
          ...(args['run-dir'] ? { runDir: args['run-dir'] } : {}),
          epochs: num(args.epochs, 'epochs'),
          lr: num(args.lr, 'lr'),
          batchTokens: int(args['batch-tokens'], 'batch-tokens'),
          microBatchTokens: int(args['micro-batch-tokens'], 'micro-batch-tokens'),
          seqLen: int(args['seq-len'], 'seq-len'),
          maxSteps: int(args['max-steps'], 'max-steps'),
          checkpointEvery: int(args['checkpoint-every'], 'checkpoint-every'),
          evalFraction: num(args['eval-fraction'], 'eval-fraction'),
          warmupSteps: int(args['warmup-steps'], 'warmup-steps'),
          weightDecay: num(args['weight-decay'], 'weight-decay'),
          threads: int(args.threads, 'threads'),
          nproc: int(args.nproc, 'nproc'),
          nnodes: int(args.nnodes, 'nnodes'),
          nodeRank: int(args['node-rank'], 'node-rank'),
          ...(args.rdzv !== undefined ? { rdzv: args.rdzv } : {}),
          fsdp: args.fsdp,
          resume: args.resume,
          seed,
          thinking: args.thinking,
          device,
          kd: kd as KdMode,
          ...(args['kd-teacher'] ? { kdTeacher: args['kd-teacher'] } : {}),
          ...(args.store ? { store: args.store } : {}),
          kdTopK: int(args['kd-top-k'], 'kd-top-k'),
          kdTemperature: num(args['kd-temperature'], 'kd-temperature'),
          kdAlpha: num(args['kd-alpha'], 'kd-alpha'),
          kdBeta: num(args['kd-beta'], 'kd-beta'),
          kdLambda: num(args['kd-lambda'], 'kd-lambda'),
          kdRoundSteps: int(args['kd-round-steps'], 'kd-round-steps'),
          kdRoundPrompts: int(args['kd-round-prompts'], 'kd-round-prompts'),
          kdMaxTokens: int(args['kd-max-tokens'], 'kd-max-tokens'),
          ...(args.name ? { name: args.name } : {}),
          loraRank: int(args['lora-rank'], 'lora-rank'),
          loraAlpha: num(args['lora-alpha'], 'lora-alpha'),
          loraDropout: num(args['lora-dropout'], 'lora-dropout'),
          ...(args['lora-targets'] ? { loraTargets: args['lora-targets'] } : {}),
          ...(loraExport ? { loraExport } : {}),
          gradCheckpoint: args['grad-checkpoint'],
        },
        { signal, onEvent, venv: { onProgress: setupProgress(args.json), signal } },
      ).catch((error: unknown) => {
        recorder.finish(signal.aborted ? 'interrupted' : 'failed');
        throw error;
      });
      recorder.finish('completed', res);
      progress?.stop();
      const quantized =
        quantize && res.written
          ? await quantizeModel(res.out, res.out.replace(/(\.gguf)?$/i, `-${quantize}.gguf`), {
              type: quantize,
              signal,
            })
          : undefined;
      emit(args.json, { ...res, ...(quantized ? { quantized: quantized.output } : {}) }, () =>
        [
          res.written
            ? `Wrote ${res.out} (${res.params.toLocaleString()} params) after ${res.steps} steps in ${res.seconds}s`
            : `Node ${args['node-rank'] ?? '0'} finished ${res.steps} steps in ${res.seconds}s; node 0 wrote the model`,
          ...(res.dropped > 0
            ? [`  ${res.dropped} example(s) longer than a row were left out (see the warning)`]
            : []),
          `  train loss ${res.loss?.toFixed(4) ?? '?'}${res.evalLoss !== null ? `, eval loss ${res.evalLoss.toFixed(4)}` : ''}; ${res.tokens.toLocaleString()} tokens`,
          `  metrics: ${res.metrics}`,
        ].join('\n'),
      );
    } finally {
      progress?.stop();
      dispose();
    }
  },
});
