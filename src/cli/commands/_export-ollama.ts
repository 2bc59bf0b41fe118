import { defineCommand } from 'citty';
import { exportOllama } from '../../runtime/ollama-export.ts';
import { TEMPLATE_IDS } from '../../runtime/templates.ts';
import { jsonArg } from '../args.ts';
import { emit } from '../output.ts';

/** `distill export ollama MODEL.gguf --out DIR` (wired as a subcommand of `distill export`). */
export const exportOllamaCommand = defineCommand({
  meta: {
    name: 'ollama',
    description:
      'Write an Ollama Modelfile (thinking template, R1 defaults, licence) next to a copy of the GGUF',
  },
  args: {
    model: { type: 'positional', required: true, description: 'GGUF file' },
    out: { type: 'string', required: true, description: 'Output folder' },
    template: {
      type: 'string',
      description: `Chat format (default: detected): ${TEMPLATE_IDS.join(' | ')} | chatml`,
    },
    license: {
      type: 'string',
      description: 'Licence text file to embed (default: GGUF licence + provenance)',
    },
    ...jsonArg,
  },
  async run({ args }) {
    const result = await exportOllama(args.model, {
      outDir: args.out,
      ...(args.template ? { template: args.template } : {}),
      ...(args.license ? { licenseFile: args.license } : {}),
    });
    emit(args.json, result, () =>
      [
        `Wrote ${result.modelfile} (template ${result.template}) and ${result.gguf}`,
        `Next: cd ${result.dir} && ollama create NAME -f Modelfile`,
      ].join('\n'),
    );
  },
});
