import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ChatModel } from '../core/chat-model.ts';
import { fileSha256 } from '../core/hash.ts';
import { loadModel } from '../runtime/local-model.ts';
import { isPoolSpec, openTeachers } from '../teachers/pool/open-teachers.ts';
import type { ModelDescriptor, PoolEndpointRecord } from './report.ts';

export interface OpenedModel {
  model: ChatModel;
  descriptor: ModelDescriptor;
  /** Identity the model declares in its metadata (`distill.identity` or `general.name`), if any. */
  identity: string | null;
  /** Requests to keep in flight: local models batch them into shared decodes. */
  concurrency: number;
  /** Each endpoint's record so far (served, faults, health), when the model is a teacher pool. */
  poolReport?: () => PoolEndpointRecord[];
  dispose(): Promise<void>;
}

export interface OpenEvalModelOptions {
  /** Sequences decoded together for a local model. Defaults to 16. */
  slots?: number;
  /** Report label. Defaults to the model's name, or the URI. */
  label?: string;
  /** Pool file (`teachers.yaml`), alone or beside the URIs. Defaults to none. */
  teachersFile?: string;
  /** Requests in flight per pool endpoint that sets none (and for a single teacher). Defaults to 8. */
  concurrency?: number;
  /** Environment for keys and base URLs. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Worker threads for a teacher's HTTP (`createTeacher`'s `httpThreads`). Defaults to 0 (the CLI passes `auto`). */
  httpThreads?: number | 'auto';
}

function quantization(description: string): string | null {
  const m = /\b(F32|F16|BF16|Q\d_[0-9A-Z_]+|Q\d_\d)\b/i.exec(description);
  return m?.[1]?.toUpperCase() ?? null;
}

/**
 * Open what `--model` names: a GGUF path (or `gguf:` URI) runs in-process through the runtime with batched decoding;
 * anything else is a teacher URI. Several URIs, or a pool file, make a teacher pool (all endpoints one model,
 * checked via `/v1/models`): requests go to the endpoint with free capacity and fail over when one dies.
 */
export async function openEvalModel(
  spec: string | readonly string[],
  options: OpenEvalModelOptions = {},
): Promise<OpenedModel> {
  const uris = typeof spec === 'string' ? [spec] : [...spec];
  const teacherSpec = { uris, ...(options.teachersFile ? { file: options.teachersFile } : {}) };
  if (!isPoolSpec(teacherSpec) && uris[0] !== undefined) {
    const path = uris[0].startsWith('gguf:') ? uris[0].slice(5) : uris[0];
    if (path.endsWith('.gguf') || existsSync(path)) return openLocal(path, options);
  }
  const concurrency = options.concurrency ?? 8;
  const opened = await openTeachers(teacherSpec, {
    defaultConcurrency: concurrency,
    ...(options.env ? { env: options.env } : {}),
    ...(options.httpThreads !== undefined ? { httpThreads: options.httpThreads } : {}),
    hint: 'pass --model URI (repeatable) or --teachers FILE',
  });
  const { teacher, pool, checks } = opened;
  const uri = pool ? teacher.info.uri : uris[0]!;
  return {
    model: teacher,
    descriptor: {
      uri,
      label: options.label ?? (pool ? `${teacher.info.modelId} (pool of ${checks.length})` : uri),
      kind: 'teacher',
      sha256: null,
      params: null,
      fileBytes: null,
      quantization: null,
    },
    identity: null,
    concurrency: pool ? pool.capacity : concurrency,
    ...(pool
      ? {
          poolReport: () =>
            pool.report().map((r, i) => ({
              ...r,
              model: checks[i]!.model,
              ...(checks[i]!.servedModels ? { servedModels: checks[i]!.servedModels } : {}),
            })),
        }
      : {}),
    dispose: async () => {},
  };
}

async function openLocal(path: string, options: OpenEvalModelOptions): Promise<OpenedModel> {
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
