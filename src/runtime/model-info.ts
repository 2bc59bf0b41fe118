import { NativeModel } from './native-model.ts';
import { selectTemplate } from './templates.ts';

export interface ModelReport {
  path: string;
  architecture: string;
  description: string;
  /** llama.cpp's file type, e.g. `F32`, `Q8_0`. */
  quantization: string;
  params: number;
  fileBytes: number;
  contextLength: number;
  layers: number;
  embeddingLength: number;
  heads: number;
  headsKv: number;
  tokenizer: { model: string; vocabSize: number; bos: string; eos: string; thinkTokens: boolean };
  /** The chat format `distill chat` uses (template id), or undefined when none can be used. */
  template: string | undefined;
  /** Where that format comes from and where thinking starts, in words (or why none can be used). */
  templateDescription: string;
  chatTemplate: string | undefined;
  /** `distill.*` metadata written by the trainer (recipe, data, teacher, licence…). */
  provenance: Record<string, string>;
  /** `general.*` metadata. */
  general: Record<string, string>;
}

/** Describe a GGUF for `distill model info`: architecture, size, tokenizer, template and provenance metadata. */
export function describeModel(path: string): ModelReport {
  const model = NativeModel.load(path);
  try {
    const i = model.info;
    let template: string | undefined;
    let templateDescription: string;
    try {
      const t = selectTemplate(i, undefined, { hasToken: (text) => model.singleToken(text) !== undefined });
      template = t.id;
      templateDescription = t.description;
    } catch (error) {
      template = undefined;
      templateDescription = `unusable: ${error instanceof Error ? error.message : String(error)}`;
    }
    const pick = (prefix: string) =>
      Object.fromEntries(Object.entries(i.metadata).filter(([k]) => k.startsWith(prefix)));
    const parts = i.description.split(' ');
    return {
      path: i.path,
      architecture: i.architecture,
      description: i.description,
      quantization: parts.slice(2).join(' ') || 'unknown',
      params: i.params,
      fileBytes: i.fileBytes,
      contextLength: i.contextLength,
      layers: i.layers,
      embeddingLength: i.embeddingLength,
      heads: i.heads,
      headsKv: i.headsKv,
      tokenizer: {
        model: i.tokenizer,
        vocabSize: i.vocabSize,
        bos: i.bosToken,
        eos: i.eosToken,
        thinkTokens:
          model.singleToken('<think>') !== undefined && model.singleToken('</think>') !== undefined,
      },
      template,
      templateDescription,
      chatTemplate: i.chatTemplate,
      provenance: pick('distill.'),
      general: pick('general.'),
    };
  } finally {
    model.free();
  }
}
