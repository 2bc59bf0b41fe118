import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { QUANT_TYPES, type QuantType, quantizeModel } from '../../runtime/quantize.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

/** `distill quantize in.gguf --type q8_0 --out out.gguf`: llama.cpp's quantizer. */
export const command = defineCommand({
  meta: {
    name: 'quantize',
    description: "Quantize a GGUF with llama.cpp's quantizer (q8_0, q4_0, q4_k_m, f16)",
  },
  args: {
    input: { type: 'positional', required: true, description: 'Input GGUF (F32/F16/BF16)' },
    type: {
      type: 'string',
      default: 'q8_0',
      description: `Quantization type: ${Object.keys(QUANT_TYPES).join(' | ')}`,
    },
    out: { type: 'string', required: true, description: 'Output GGUF path' },
    threads: { type: 'string', description: 'CPU threads (default: all cores)' },
    ...jsonArg,
  },
  async run({ args }) {
    if (!(args.type in QUANT_TYPES))
      throw new InvalidInputError(`unknown --type '${args.type}'`, {
        hint: `use one of ${Object.keys(QUANT_TYPES).join(', ')}`,
      });
    const { signal, dispose } = interruptSignal();
    try {
      const threads = args.threads === undefined ? undefined : intArg(args.threads, 'threads', 0, 1);
      const result = await quantizeModel(args.input, args.out, {
        type: args.type as QuantType,
        threads,
        signal,
      });
      emit(
        args.json,
        result,
        () =>
          `Quantized ${result.input} → ${result.output} (${result.type}): ${mb(result.inputBytes)} → ${mb(result.outputBytes)} (${(result.inputBytes / result.outputBytes).toFixed(1)}× smaller)`,
      );
    } finally {
      dispose();
    }
  },
});
