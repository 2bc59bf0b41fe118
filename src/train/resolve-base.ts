import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';

/** The layer of an Ollama manifest that holds the GGUF weights. */
export const OLLAMA_MODEL_LAYER = 'application/vnd.ollama.image.model';
const DEFAULT_REGISTRY = 'registry.ollama.ai';
const DEFAULT_NAMESPACE = 'library';

const ManifestSchema = z.object({
  layers: z.array(z.object({ mediaType: z.string(), digest: z.string(), size: z.number().optional() })),
});

/** The Ollama model store: `$OLLAMA_MODELS`, else `~/.ollama/models`. */
export function ollamaModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OLLAMA_MODELS || join(env.HOME || homedir(), '.ollama', 'models');
}

/** `NAME[:TAG]` (also `NAMESPACE/NAME`, `HOST/NAMESPACE/NAME`) → the manifest path parts; the tag defaults to `latest`. */
function parseOllamaName(name: string): { parts: string[]; tag: string; display: string } {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const [path, tag] = colon > slash ? [name.slice(0, colon), name.slice(colon + 1)] : [name, 'latest'];
  const segments = path.split('/');
  if (!path || !tag || segments.length > 3 || segments.some((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s)))
    throw new InvalidInputError(`'ollama:${name}' is not an Ollama model name`, {
      hint: 'write --base ollama:NAME or ollama:NAME:TAG, e.g. ollama:smollm2:135m',
      field: 'base',
    });
  const parts =
    segments.length === 1
      ? [DEFAULT_REGISTRY, DEFAULT_NAMESPACE, path]
      : segments.length === 2
        ? [DEFAULT_REGISTRY, ...segments]
        : segments;
  return { parts, tag, display: `${path}:${tag}` };
}

/** The models in an Ollama store, as `ollama list` names them (`name:tag`, namespaced when not `library`). */
export function listOllamaModels(store: string): string[] {
  const root = join(store, 'manifests');
  const out: string[] = [];
  const dirs = (p: string) =>
    existsSync(p) ? readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  for (const host of dirs(root))
    for (const ns of dirs(join(root, host.name)))
      for (const model of dirs(join(root, host.name, ns.name)))
        for (const tag of readdirSync(join(root, host.name, ns.name, model.name))) {
          const prefix =
            host.name === DEFAULT_REGISTRY
              ? ns.name === DEFAULT_NAMESPACE
                ? ''
                : `${ns.name}/`
              : `${host.name}/${ns.name}/`;
          out.push(`${prefix}${model.name}:${tag}`);
        }
  return out.sort();
}

/**
 * The GGUF file of a model in the local Ollama store: `manifests/<host>/<namespace>/<name>/<tag>` → the layer of
 * media type `application/vnd.ollama.image.model` → `blobs/sha256-<hex>`. An unknown name is a NotFoundError
 * (exit 2) listing the local models.
 */
export function resolveOllamaModel(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const store = ollamaModelsDir(env);
  const { parts, tag, display } = parseOllamaName(name);
  const manifest = join(store, 'manifests', ...parts, tag);
  if (!existsSync(manifest) || !statSync(manifest).isFile()) {
    const local = listOllamaModels(store);
    throw new NotFoundError('model', `no Ollama model '${display}' in ${store}`, {
      hint: local.length
        ? `local models: ${local.join(', ')} (pull one with \`ollama pull NAME\`)`
        : 'the store has no models: `ollama pull NAME` first, or set OLLAMA_MODELS to the store folder',
    });
  }
  let layers: z.infer<typeof ManifestSchema>['layers'];
  try {
    layers = ManifestSchema.parse(JSON.parse(readFileSync(manifest, 'utf8'))).layers;
  } catch (cause) {
    throw new InvalidInputError(`the Ollama manifest ${manifest} is not a valid manifest`, {
      cause,
      hint: 'pull the model again with `ollama pull`',
      field: 'base',
    });
  }
  const layer = layers.find((l) => l.mediaType === OLLAMA_MODEL_LAYER);
  if (!layer || !/^sha256:[0-9a-f]{64}$/.test(layer.digest))
    throw new InvalidInputError(
      `the Ollama model '${display}' has no GGUF weights layer (${OLLAMA_MODEL_LAYER})`,
      {
        hint: 'pick a model whose weights are a GGUF (not a safetensors import)',
        field: 'base',
      },
    );
  const blob = join(store, 'blobs', layer.digest.replace(':', '-'));
  if (!existsSync(blob))
    throw new NotFoundError('model', `the weights blob of Ollama model '${display}' is missing: ${blob}`, {
      hint: 'pull the model again with `ollama pull`',
    });
  return blob;
}

/**
 * The file a `--base` names: `ollama:NAME[:TAG]` resolves through the local Ollama store, `~/…` is expanded,
 * anything else is a path (resolved against the working directory).
 */
export function resolveBase(spec: string, env: NodeJS.ProcessEnv = process.env): string {
  if (spec.startsWith('ollama:')) return resolveOllamaModel(spec.slice('ollama:'.length), env);
  if (spec === '~' || spec.startsWith('~/')) return join(env.HOME || homedir(), spec.slice(1));
  return resolve(spec);
}
