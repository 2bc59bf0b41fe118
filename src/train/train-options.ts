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
    /** Processes per node under torchrun (DDP, or FSDP with `fsdp`). Defaults to 1. */
    nproc: z.number().int().min(1).default(1),
    /** Nodes (machines) in the run, each started with the same command and its own `nodeRank`. Defaults to 1. */
    nnodes: z.number().int().min(1).default(1),
    /** This node's number, 0 … nnodes-1; node 0 hosts the rendezvous and writes the GGUF. Defaults to 0. */
    nodeRank: z.number().int().min(0).default(0),
    /** `HOST:PORT` of the c10d rendezvous: node 0's address and a free port. Needed when nnodes > 1. */
    rdzv: z
      .string()
      .regex(
        /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/,
        'use HOST:PORT, e.g. 10.0.0.1:29400 (node 0 and a free port)',
      )
      .refine((v) => {
        const port = Number(v.slice(v.lastIndexOf(':') + 1));
        return port >= 1 && port <= 65535;
      }, 'the --rdzv port must be 1 … 65535')
      .optional(),
    /** Shard parameters, gradients and optimizer state over all ranks (FSDP2); sharded checkpoints. Defaults to false. */
    fsdp: z.boolean().default(false),
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
    /**
     * Teacher for the logit-level modes (same tokenizer as the student): a GGUF path, or an OpenAI-compatible server
     * `openai-compatible:http://HOST:PORT/v1#MODEL` (scored through `/v1/completions` with echo + logprobs).
     */
    kdTeacher: z.string().min(1).optional(),
    /** The store that caches the teacher's scores. Defaults to `--store`, `$DISTILL_STORE`, `.distill/distill.sqlite`. */
    store: z.string().min(1).optional(),
    /** Teacher alternatives kept per position. Defaults to 20. */
    kdTopK: z.number().int().min(1).max(100).default(20),
    /** Softmax temperature of the KD loss (×T²). Defaults to 1. */
    kdTemperature: z.number().positive().default(1),
    /**
     * Weight of the KD loss; 1 − alpha goes to token cross-entropy. Defaults to 0.5 for forward-kl and 1 for
     * on-policy (cross-entropy there would also train on the student's own samples, its mistakes included).
     */
    kdAlpha: z.number().min(0).max(1).optional(),
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
    /**
     * Internal (on-policy rounds): the AdamW state to start from and to leave for the next round, and where this
     * round sits in the whole run's LR schedule (warmup + cosine over all rounds' steps).
     */
    kdCarry: z
      .object({
        optimizerIn: z.string().optional(),
        optimizerOut: z.string(),
        scheduleOffset: z.number().int().min(0),
        scheduleTotal: z.number().int().positive(),
      })
      .optional(),
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
    message:
      '--kd forward-kl and --kd on-policy need --kd-teacher MODEL.gguf (or openai-compatible:http://HOST:PORT/v1#MODEL)',
  })
  .refine((o) => o.nnodes === 1 || o.rdzv !== undefined, {
    message: "--nnodes > 1 needs --rdzv HOST:PORT (node 0's address and a free port, the same on every node)",
    path: ['rdzv'],
  })
  .refine((o) => o.nnodes > 1 || o.rdzv === undefined, {
    message: '--rdzv is for runs over several nodes: add --nnodes M (or drop --rdzv)',
    path: ['rdzv'],
  })
  .refine((o) => o.nodeRank < o.nnodes, {
    message: '--node-rank must be 0 … nnodes-1',
    path: ['nodeRank'],
  })
  .refine((o) => o.nnodes === 1 || o.kd !== 'on-policy', {
    message: '--kd on-policy samples on one machine: run it without --nnodes (use --nproc on one node)',
    path: ['nnodes'],
  })
  .refine((o) => !(o.fsdp && o.kd === 'on-policy'), {
    message:
      '--kd on-policy carries the whole optimizer state from round to round: drop --fsdp (DDP with --nproc works)',
    path: ['fsdp'],
  })
  .refine((o) => !(o.fsdp && o.loraRank > 0), {
    message: '--fsdp shards full fine-tuning; LoRA adapters are small, so drop --fsdp (LoRA runs use DDP)',
    path: ['fsdp'],
  })
  .refine(
    (o) => o.loraExport === 'merged' || (o.loraRank > 0 && o.base !== undefined && o.kd !== 'on-policy'),
    {
      message: '--lora-export adapter needs --base and --lora-rank R (and not --kd on-policy)',
    },
  );

export type TrainOptionsInput = z.input<typeof TrainOptionsSchema>;
export type TrainOptions = z.output<typeof TrainOptionsSchema>;

/** `--kd-alpha`, or its default for the mode (see `kdAlpha`). */
export function kdAlphaOf(o: Pick<TrainOptions, 'kd' | 'kdAlpha'>): number {
  return o.kdAlpha ?? (o.kd === 'on-policy' ? 1 : 0.5);
}
