import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { STUDENT_CHAT_TEMPLATE } from '../core/chat-format.ts';
import type { VenvOptions } from './venv.ts';
import { runWorker } from './worker.ts';

export interface InitModelOptions {
  /** Preset name: pico (0.11M), nano (0.21M), micro (0.88M), tiny (2.5M), small (6.1M), base (30M). */
  preset: string;
  /** Output GGUF path (F32). */
  out: string;
  /** Initialisation seed. Defaults to 0. */
  seed?: number;
  /** `general.name`. Defaults to `distill-<preset>`. */
  name?: string;
  /** `<arch>.context_length` written to the GGUF. Defaults to 1024. */
  contextLength?: number;
  /** `llama`, `qwen2` (Q/K/V biases), `qwen3` (Q/K norm) or `gemma3` (sliding window…). Defaults to `llama`. */
  arch?: 'llama' | 'qwen2' | 'qwen3' | 'gemma3';
  /** Multiplies the init std (parity tests use > 1 so logits spread). Defaults to 1. */
  initScale?: number;
  /** Llama-3-style `rope_freqs` factors plus linear RoPE scaling ×2 (parity tests). Defaults to false. */
  ropeFreqs?: boolean;
  /** `tokenizer.chat_template` to write. Defaults to Distill's student template. */
  chatTemplate?: string;
  venv?: VenvOptions;
  signal?: AbortSignal;
}

export const InitModelResultSchema = z.object({
  out: z.string(),
  preset: z.string(),
  params: z.number(),
  config: z.record(z.string(), z.unknown()),
});
export type InitModelResult = z.infer<typeof InitModelResultSchema>;

/**
 * Write a fresh, randomly initialised preset model as an F32 GGUF: llama architecture, Distill's
 * character-level vocab with `<think>`/`</think>` as single tokens, and the student chat template.
 */
export async function initModel(options: InitModelOptions): Promise<InitModelResult> {
  const dir = await mkdtemp(join(tmpdir(), 'distill-init-'));
  try {
    const templateFile = join(dir, 'template.jinja');
    await writeFile(templateFile, options.chatTemplate ?? STUDENT_CHAT_TEMPLATE);
    const args = [
      'init',
      '--preset',
      options.preset,
      '--out',
      options.out,
      '--seed',
      String(options.seed ?? 0),
    ];
    args.push(
      '--chat-template-file',
      templateFile,
      '--context-length',
      String(options.contextLength ?? 1024),
    );
    if (options.name) args.push('--name', options.name);
    if (options.arch) args.push('--arch', options.arch);
    if (options.initScale !== undefined) args.push('--init-scale', String(options.initScale));
    if (options.ropeFreqs) args.push('--rope-freqs');
    const { done } = await runWorker(args, {
      ...(options.venv ? { venv: options.venv } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return InitModelResultSchema.parse(done);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
