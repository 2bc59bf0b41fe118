import { defineCommand } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { exportOllama } from '../../runtime/ollama-export.ts';
import { TEMPLATE_IDS, type TemplateId } from '../../runtime/templates.ts';
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
    template: { type: 'string', description: `Chat format (default: detected): ${TEMPLATE_IDS.join(' | ')}` },
    license: {
      type: 'string',
      description: 'Licence text file to embed (default: GGUF licence + provenance)',
    },
    ...jsonArg,
  },
  async run({ args }) {
    if (args.template !== undefined && !(TEMPLATE_IDS as readonly string[]).includes(args.template))
      throw new InvalidInputError(`unknown --template '${args.template}'`, {
        hint: `use one of ${TEMPLATE_IDS.join(', ')}`,
      });
    const result = await exportOllama(args.model, {
      outDir: args.out,
      ...(args.template ? { template: args.template as TemplateId } : {}),
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
