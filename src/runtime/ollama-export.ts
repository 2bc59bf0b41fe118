import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { fileSha256 } from '../core/hash.ts';
import { describeModel } from './model-info.ts';
import { R1_TEMPERATURE, R1_TOP_P } from './sampler.ts';
import { selectTemplate, type TemplateId } from './templates.ts';

export interface OllamaExportOptions {
  /** Output folder (created). */
  outDir: string;
  /** Chat format. Defaults to detection from the GGUF. */
  template?: TemplateId;
  /** A licence text file to embed. Defaults to `general.license` and the provenance metadata. */
  licenseFile?: string;
}

export interface OllamaExportResult {
  dir: string;
  modelfile: string;
  gguf: string;
  sha256: string;
  template: string;
}

/** A Go-template/Modelfile string literal: `"""…"""` cannot contain `"""`. */
function block(text: string): string {
  return `"""${text.replaceAll('"""', '"\u200b""')}"""`;
}

/**
 * Write an Ollama model folder: a copy of the GGUF plus a Modelfile with the chat TEMPLATE (thinking pre-opened
 * the way the model was trained), R1's sampling defaults, stop strings, and a LICENSE with the provenance
 * metadata. Then: `ollama create NAME -f DIR/Modelfile`.
 */
export async function exportOllama(
  modelPath: string,
  options: OllamaExportOptions,
): Promise<OllamaExportResult> {
  const report = describeModel(modelPath);
  const template = selectTemplate(
    {
      chatTemplate: report.chatTemplate,
      metadata: { ...report.general, ...report.provenance },
      bosToken: report.tokenizer.bos,
      eosToken: report.tokenizer.eos,
    },
    options.template,
  );
  if (template.ollamaTemplate === undefined)
    throw new ModelError(
      `Distill cannot write an Ollama TEMPLATE for this chat format (${template.description})`,
      {
        hint: 'pass --template distill-student-v1, deepseek-r1, qwen3 or chatml for the format the model was tuned on',
      },
    );
  const dir = resolve(options.outDir);
  mkdirSync(dir, { recursive: true });
  const file = basename(modelPath);
  const target = join(dir, file);
  if (resolve(modelPath) !== target) {
    await copyFile(modelPath, `${target}.part`);
    renameSync(`${target}.part`, target);
  }
  const sha256 = await fileSha256(target);
  const license = options.licenseFile
    ? readFileSync(options.licenseFile, 'utf8')
    : [
        `License: ${report.general['general.license'] ?? 'not stated in the GGUF'}`,
        `Model: ${report.general['general.name'] ?? file} (${report.params.toLocaleString('en-US')} parameters, ${report.quantization})`,
        `GGUF sha256: ${sha256}`,
        ...Object.entries(report.provenance).map(([k, v]) => `${k}: ${v}`),
      ].join('\n');
  const stops = [report.tokenizer.eos, ...template.stop.map((s) => s.trim())].filter((s) => s !== '');
  const lines = [
    `# Ollama Modelfile for ${report.general['general.name'] ?? file}, written by \`distill export ollama\`.`,
    `# Create it with: ollama create ${basename(file, '.gguf')} -f Modelfile`,
    `FROM ./${file}`,
    '',
    `TEMPLATE ${block(template.ollamaTemplate)}`,
    '',
    `PARAMETER temperature ${R1_TEMPERATURE}`,
    `PARAMETER top_p ${R1_TOP_P}`,
    ...[...new Set(stops)].map((s) => `PARAMETER stop ${JSON.stringify(s)}`),
    '',
    `LICENSE ${block(license)}`,
    '',
  ];
  const modelfile = join(dir, 'Modelfile');
  writeFileAtomic(modelfile, lines.join('\n'));
  return { dir, modelfile, gguf: target, sha256, template: template.id };
}
