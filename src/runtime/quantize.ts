import { renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { readGgufHeader } from './gguf-header.ts';
import { llamaFailure, llamaLib } from './llama/ffi.ts';

/** Quantization types `distill quantize` offers, with their llama.cpp `llama_ftype` values. */
export const QUANT_TYPES = { f16: 1, q8_0: 7, q4_0: 2, q4_k_m: 15 } as const;
export type QuantType = keyof typeof QUANT_TYPES;

export interface QuantizeOptions {
  type: QuantType;
  /** CPU threads. Defaults to llama.cpp's choice (all cores). */
  threads?: number;
  /** Checked before the (uninterruptible) native call starts. */
  signal?: AbortSignal;
}

export interface QuantizeResult {
  input: string;
  output: string;
  type: QuantType;
  inputBytes: number;
  outputBytes: number;
}

/**
 * Quantize a GGUF with llama.cpp's own quantizer (`llama_model_quantize`), keeping tokenizer, chat template and
 * metadata. Writes to a temporary file next to `output` and renames it, so a failure never leaves a half file.
 */
export async function quantizeModel(
  input: string,
  output: string,
  options: QuantizeOptions,
): Promise<QuantizeResult> {
  const ftype = QUANT_TYPES[options.type];
  if (ftype === undefined)
    throw new InvalidInputError(`unknown quantization type '${options.type}'`, {
      hint: `use one of ${Object.keys(QUANT_TYPES).join(', ')}`,
    });
  const header = readGgufHeader(input);
  const out = resolve(output);
  if (out === header.path)
    throw new InvalidInputError('--out must differ from the input file', {
      hint: 'choose another output path',
    });
  if (options.signal?.aborted) throw new AbortedError();
  const lib = llamaLib();
  const params = lib.quantizeDefaultParams();
  params.ftype = ftype;
  params.nthread = options.threads ?? 0;
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    statSync(dirname(out));
  } catch {
    throw new InvalidInputError(`output folder does not exist: ${dirname(out)}`, { hint: 'create it first' });
  }
  try {
    const rc = await lib.quantize(header.path, tmp, params);
    if (rc !== 0)
      throw llamaFailure(
        `llama.cpp could not quantize ${input} to ${options.type}`,
        'check that the input is an F32/F16/BF16 GGUF',
      );
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return {
    input: header.path,
    output: out,
    type: options.type,
    inputBytes: header.fileBytes,
    outputBytes: statSync(out).size,
  };
}
