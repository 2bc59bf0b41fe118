import { defineCommand } from 'citty';
import { describeModel, type ModelReport } from '../../runtime/model-info.ts';
import { jsonArg } from '../args.ts';
import { emit } from '../output.ts';

function human(r: ModelReport): string {
  const rows: [string, string][] = [
    ['file', `${r.path} (${(r.fileBytes / 2 ** 20).toFixed(2)} MB)`],
    [
      'architecture',
      `${r.architecture}, ${r.layers} layers, d=${r.embeddingLength}, heads ${r.heads}/${r.headsKv} kv`,
    ],
    ['parameters', r.params.toLocaleString('en-US')],
    ['quantization', r.quantization],
    ['context', `${r.contextLength} tokens`],
    [
      'tokenizer',
      `${r.tokenizer.model}, ${r.tokenizer.vocabSize} tokens, bos ${JSON.stringify(r.tokenizer.bos)}, eos ${JSON.stringify(r.tokenizer.eos)}, <think> tokens: ${r.tokenizer.thinkTokens ? 'yes' : 'no'}`,
    ],
    ['chat template', r.templateDescription],
  ];
  for (const [k, v] of Object.entries(r.general)) if (k !== 'general.architecture') rows.push([k, v]);
  for (const [k, v] of Object.entries(r.provenance)) rows.push([k, v]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

const info = defineCommand({
  meta: {
    name: 'info',
    description: 'Architecture, parameters, tokenizer, template and provenance of a GGUF',
  },
  args: {
    file: { type: 'positional', required: true, description: 'GGUF file' },
    ...jsonArg,
  },
  run({ args }) {
    const report = describeModel(args.file);
    emit(args.json, report, () => human(report));
  },
});

/** `distill model info FILE.gguf`. */
export const command = defineCommand({
  meta: { name: 'model', description: 'Inspect GGUF models' },
  subCommands: { info },
});
