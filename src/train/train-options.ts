import { z } from 'zod';

/** Distillation modes of `distill train --kd`. */
export const KD_MODES = ['sft', 'forward-kl', 'on-policy'] as const;
export type KdMode = (typeof KD_MODES)[number];

/** Options of {@link trainModel}, validated at the boundary (CLI or library callers). */
export const TrainOptionsSchema = z
  .object({
    /** Chat-format JSONL file, or a folder of `*.jsonl` (a curated export). */
    data: z.string().min(1),
    /** Output GGUF (F32). */
    out: z.string().min(1),
    /** Fresh model from a preset (nano, micro, tiny, small, base). Exactly one of preset/base. */
    preset: z.string().optional(),
    /** Base GGUF to fine-tune: F32/F16/BF16 or any type gguf-py dequantizes; llama, qwen2, qwen3 or gemma3. */
    base: z.string().optional(),
    /** Folder for the init model, tokenised data, checkpoints, config and metrics. Defaults to `<out>.run/`. */
    runDir: z.string().optional(),
    /** Passes over the data. Defaults to 1. */
    epochs: z.number().positive().default(1),
    /** Stop after this many optimizer steps (overrides epochs). Defaults to 0 (use epochs). */
    maxSteps: z.number().int().min(0).default(0),
    /** Peak learning rate. Defaults to 1e-3 for presets, 2e-5 for bases. */
    lr: z.number().positive().optional(),
    /** Tokens per optimizer step (all ranks). Defaults to 8192. */
    batchTokens: z.number().int().positive().default(8192),
    /** Tokens per forward pass per rank (gradient accumulation below batchTokens). Defaults to batchTokens/ranks. */
    microBatchTokens: z.number().int().min(0).default(0),
    /** Packed row length. Defaults to max(longest example, 2.2 × mean example) rounded up to 64, at most 1024. */
    seqLen: z.number().int().min(8).optional(),
    /** Warmup steps. Defaults to 5% of the steps, at most 100. */
    warmupSteps: z.number().int().min(-1).default(-1),
    /** Held-out share of the rows for eval loss. Defaults to 0.05. */
    evalFraction: z.number().min(0).max(0.5).default(0.05),
    /** Checkpoint every N steps. Defaults to 0 (every 5 minutes). */
    checkpointEvery: z.number().int().min(0).default(0),
    /** Continue from the newest checkpoint in runDir. Defaults to false. */
    resume: z.boolean().default(false),
    /** CPU threads for torch. Defaults to 0 (torch's default: all cores). */
    threads: z.number().int().min(0).default(0),
    /** Seed for init, data split and order. Defaults to 0. */
    seed: z.number().int().default(0),
    /** Train on thinking + answer; false trains answers after an empty thinking block. Defaults to true. */
    thinking: z.boolean().default(true),
    /** Processes under torchrun (DDP). Defaults to 1. */
    nproc: z.number().int().min(1).default(1),
    /** `general.name` of the output. Defaults to the output file name. */
    name: z.string().optional(),
    /** auto | cpu | cuda. Defaults to auto (CUDA + bf16 when present). */
    device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
    /** Weight decay. Defaults to 0.1. */
    weightDecay: z.number().min(0).default(0.1),
    /** Gradient clipping norm. Defaults to 1. */
    gradClip: z.number().positive().default(1),
    /**
     * Distillation loss: `sft` (token cross-entropy on the teacher's text), `forward-kl` (match the teacher's top-K
     * next-token distribution on the same text), `on-policy` (the student samples, the teacher scores). Defaults to sft.
     */
    kd: z.enum(KD_MODES).default('sft'),
    /** Teacher GGUF for the logit-level modes (same tokenizer as the student). */
    kdTeacher: z.string().min(1).optional(),
    /** Teacher alternatives kept per position. Defaults to 20. */
    kdTopK: z.number().int().min(1).max(100).default(20),
    /** Softmax temperature of the KD loss (×T²). Defaults to 1. */
    kdTemperature: z.number().positive().default(1),
    /** Weight of the KD loss; 1 − alpha goes to token cross-entropy. Defaults to 0.5. */
    kdAlpha: z.number().min(0).max(1).default(0.5),
    /** Generalized JSD mix for on-policy: 0 = forward KL, 1 = reverse KL. Defaults to 1. */
    kdBeta: z.number().min(0).max(1).default(1),
    /** Share of on-policy (student-sampled) batches, as GKD's lambda. Defaults to 1. */
    kdLambda: z.number().min(0).max(1).default(1),
    /** On-policy: optimizer steps between two sampling rounds. Defaults to 50. */
    kdRoundSteps: z.number().int().positive().default(50),
    /** On-policy: prompts the student answers per round. Defaults to 64. */
    kdRoundPrompts: z.number().int().positive().default(64),
    /** On-policy: longest student sample, in tokens. Defaults to 256. */
    kdMaxTokens: z.number().int().positive().default(256),
    /** Internal: the data already holds one on-policy round's rows (set by the on-policy driver). */
    kdRound: z.boolean().default(false),
    /** LoRA rank: train low-rank adapters on the projections only, merged into the output. Defaults to 0 (full). */
    loraRank: z.number().int().min(0).default(0),
    /** LoRA alpha (update scale alpha/rank). Defaults to 2 × rank. */
    loraAlpha: z.number().positive().optional(),
    /** Dropout on the adapters' input. Defaults to 0. */
    loraDropout: z.number().min(0).lt(1).default(0),
    /** Which projections get adapters: `attn`, `mlp` or `attn,mlp`. Defaults to `attn,mlp`. */
    loraTargets: z
      .string()
      .regex(/^(attn|mlp)(,(attn|mlp))?$/, 'use attn, mlp or attn,mlp')
      .default('attn,mlp'),
    /**
     * What the output is with LoRA: `merged` (adapters folded into an ordinary GGUF) or `adapter` (a llama.cpp LoRA
     * adapter GGUF, loaded together with the base). Defaults to `merged`.
     */
    loraExport: z.enum(['merged', 'adapter']).default('merged'),
    /** Activation checkpointing: recompute each layer in the backward pass (less memory). Defaults to false. */
    gradCheckpoint: z.boolean().default(false),
  })
  .refine((o) => (o.preset === undefined) !== (o.base === undefined), {
    message: 'pass exactly one of --preset or --base',
  })
  .refine((o) => o.kd === 'sft' || o.kdTeacher !== undefined, {
    message: '--kd forward-kl and --kd on-policy need --kd-teacher MODEL.gguf',
  })
  .refine(
    (o) => o.loraExport === 'merged' || (o.loraRank > 0 && o.base !== undefined && o.kd !== 'on-policy'),
    {
      message: '--lora-export adapter needs --base and --lora-rank R (and not --kd on-policy)',
    },
  );

export type TrainOptionsInput = z.input<typeof TrainOptionsSchema>;
export type TrainOptions = z.output<typeof TrainOptionsSchema>;
