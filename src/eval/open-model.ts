import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ChatModel } from '../core/chat-model.ts';
import { fileSha256 } from '../core/hash.ts';
import { loadModel } from '../runtime/local-model.ts';
import { createTeacher } from '../teachers/create-teacher.ts';
import type { ModelDescriptor } from './report.ts';

export interface OpenedModel {
  model: ChatModel;
  descriptor: ModelDescriptor;
  /** Identity the model declares in its metadata (`distill.identity` or `general.name`), if any. */
  identity: string | null;
  /** Requests to keep in flight: local models batch them into shared decodes. */
  concurrency: number;
  dispose(): Promise<void>;
}

function quantization(description: string): string | null {
  const m = /\b(F32|F16|BF16|Q\d_[0-9A-Z_]+|Q\d_\d)\b/i.exec(description);
  return m?.[1]?.toUpperCase() ?? null;
}

/**
 * Open what `--model` names: a GGUF path (or `gguf:` URI) runs in-process through the runtime with batched decoding;
 * anything else is a teacher URI.
 */
export async function openEvalModel(
  spec: string,
  options: { slots?: number; label?: string } = {},
): Promise<OpenedModel> {
  const path = spec.startsWith('gguf:') ? spec.slice(5) : spec;
  if (path.endsWith('.gguf') || existsSync(path)) {
    const slots = options.slots ?? 16;
    const local = await loadModel(path, { slots, contextPerSequence: 1024 });
    const meta = local.info.metadata;
    return {
      model: local,
      descriptor: {
        uri: path,
        label: options.label ?? meta['general.name'] ?? basename(path, '.gguf'),
        kind: 'gguf',
        sha256: await fileSha256(path),
        params: local.info.params,
        fileBytes: statSync(path).size,
        quantization: quantization(local.info.description),
      },
      identity: meta['distill.identity'] ?? meta['general.name'] ?? null,
      concurrency: slots,
      dispose: () => local.dispose(),
    };
  }
  const teacher = await createTeacher(spec);
  return {
    model: teacher,
    descriptor: {
      uri: spec,
      label: options.label ?? spec,
      kind: 'teacher',
      sha256: null,
      params: null,
      fileBytes: null,
      quantization: null,
    },
    identity: null,
    concurrency: 8,
    dispose: async () => {},
  };
}
