import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ParsedArgs } from 'citty';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { type LocalModel, loadModel } from '../../runtime/index.ts';
import { ReasoningFormatSchema, serve } from '../../server/index.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { intArg, jsonArg } from '../args.ts';
import { interruptSignal } from '../interrupt.ts';
import { emit } from '../output.ts';
import {
  isLoopbackHost,
  parseAllowedHosts,
  parseCorsOrigins,
  resolveApiKey,
} from '../serve-security-options.ts';
import { openStoreFromArgs, storeArg } from './_store.ts';

/** Every value of a repeatable flag (`--name a --name b`, `--name=a,b`). */
function repeated(rawArgs: string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === `--${flag}` && rawArgs[i + 1] !== undefined) values.push(rawArgs[++i]!);
    else if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
  }
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The GGUFs under `models/` (the built-in teacher) when no model is given. */
function builtInModels(): string[] {
  const dir = join(process.cwd(), 'models');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.gguf'))
        .map((f) => join(dir, f))
    : [];
}

/** The options of `distill serve` and `distill studio` (the same command, the Studio opened). */
export const serveArgs = {
  model: {
    type: 'positional',
    required: false,
    description: 'GGUF file(s) to serve (default: models/*.gguf)',
  },
  name: {
    type: 'string',
    description: 'Model name(s) clients use, one per GGUF (repeat or comma-separate)',
  },
  host: { type: 'string', description: 'Interface to bind', default: '127.0.0.1' },
  port: { type: 'string', description: 'Port (0 = any free port)', default: '8080' },
  'api-key': {
    type: 'string',
    description: 'Require this key on /v1 routes (visible in ps: prefer DISTILL_API_KEY or --api-key-file)',
  },
  'api-key-file': { type: 'string', description: 'Read the required API key from this file (one line)' },
  cors: {
    type: 'string',
    description: "Other origins browsers may call from, comma-separated or repeated, or '*' for any",
  },
  'allowed-hosts': {
    type: 'string',
    description:
      'Host names accepted besides localhost and IP addresses (.example.com: with subdomains; all: any)',
  },
  'reasoning-format': {
    type: 'string',
    default: 'reasoning_content',
    description: 'Where reasoning goes: reasoning_content | reasoning | both | inline | hidden',
  },
  concurrency: { type: 'string', description: 'Generations decoded together per model', default: '8' },
  context: { type: 'string', description: 'Context tokens per request (default: model, max 4096)' },
  web: { type: 'boolean', description: 'Serve the web UI at / (--no-web to turn off)', default: true },
  quiet: { type: 'boolean', description: 'No access log on stderr', default: false },
  ...jsonArg,
  ...storeArg,
} as const;

/** What `distill serve` / `distill studio` were given. */
export type ServeArgs = ParsedArgs<typeof serveArgs>;

/**
 * Load the models, open the store read-only and serve until interrupted. `studio` (the `distill studio` alias):
 * the store must exist, no model is needed, and the Studio's URL is the first thing printed.
 */
export async function runServe(args: ServeArgs, rawArgs: string[], mode: { studio: boolean }): Promise<void> {
  const files = (args._ as string[]).length > 0 ? (args._ as string[]) : builtInModels();
  // The Studio browses the store and needs no model; the API does.
  if (files.length === 0 && !mode.studio)
    throw new InvalidInputError('No model to serve', {
      hint: 'pass a GGUF file: distill serve student.gguf',
    });
  const names = repeated(rawArgs, 'name');
  if (names.length > files.length)
    throw new InvalidInputError(`${names.length} --name values for ${files.length} model file(s)`, {
      hint: 'give one --name per GGUF, in the same order',
    });
  const port = intArg(args.port, 'port', 8080, 0);
  if (port > 65535) throw new InvalidInputError(`--port must be ≤ 65535, got ${port}`);
  const concurrency = intArg(args.concurrency, 'concurrency', 8, 1);
  const context = args.context ? intArg(args.context, 'context', 0, 16) : undefined;
  const format = ReasoningFormatSchema.safeParse(args['reasoning-format']);
  if (!format.success)
    throw new InvalidInputError(`Unknown --reasoning-format '${args['reasoning-format']}'`, {
      hint: `use one of ${ReasoningFormatSchema.options.join(', ')}`,
    });
  const { key: apiKey, warnings } = resolveApiKey({
    ...(args['api-key'] !== undefined ? { flag: args['api-key'] } : {}),
    ...(args['api-key-file'] !== undefined ? { file: args['api-key-file'] } : {}),
    ...(process.env.DISTILL_API_KEY !== undefined ? { env: process.env.DISTILL_API_KEY } : {}),
  });
  const cors = parseCorsOrigins(repeated(rawArgs, 'cors'));
  const allowedHosts = parseAllowedHosts(repeated(rawArgs, 'allowed-hosts'));
  if (!apiKey && !isLoopbackHost(args.host))
    warnings.push(
      `listening on ${args.host} without an API key: anyone who can reach it can use these models; set DISTILL_API_KEY`,
    );
  if (!apiKey && cors.includes('*'))
    warnings.push("--cors '*' without an API key lets any web page use these models; set DISTILL_API_KEY");
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

  // The Studio reads the store read-only; the default store is optional (serving models needs none), a named one
  // must exist.
  const named = args.store !== undefined || process.env.DISTILL_STORE !== undefined;
  const storePath = resolveStorePath({ flag: args.store });
  if (mode.studio && !named && !existsSync(storePath))
    throw new InvalidInputError(`No store at ${storePath} for the Studio to show`, {
      hint: 'point --store (or DISTILL_STORE) at a store, or make one with `distill generate`',
    });
  if (mode.studio && !args.web)
    throw new InvalidInputError('distill studio is the web UI: --no-web turns it off', {
      hint: 'use `distill serve --no-web` for the API alone',
    });
  const store = named || existsSync(storePath) ? openStoreFromArgs(args, { readonly: true }) : undefined;

  const models: { name: string; model: LocalModel }[] = [];
  const { signal, dispose } = interruptSignal();
  try {
    for (const [i, file] of files.entries()) {
      const name = names[i] ?? basename(file).replace(/\.gguf$/i, '');
      const model = await loadModel(file, {
        id: name,
        slots: concurrency,
        ...(context ? { contextPerSequence: context } : {}),
      });
      models.push({ name, model });
    }
    const server = await serve({
      models,
      host: args.host,
      port,
      concurrency,
      reasoningFormat: format.data,
      ...(apiKey ? { apiKey } : {}),
      ...(store ? { store } : {}),
      ...(cors.length > 0 ? { corsOrigins: cors } : {}),
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
      ...(args.web ? {} : { webRoot: false as const }),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      ...(args.quiet
        ? {}
        : { log: (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) }),
    });
    const studioUrl = `${server.url}/#runs`;
    emit(
      args.json,
      {
        url: server.url,
        models: server.models,
        web: server.web,
        auth: Boolean(apiKey),
        store: store?.path ?? null,
        studio: store && server.web === 'ready' ? studioUrl : null,
      },
      () =>
        [
          mode.studio ? `Studio: ${studioUrl} (store ${store?.path}, read-only)` : '',
          server.models.length > 0
            ? `Serving ${server.models.join(', ')} at ${server.url}`
            : `Serving no model at ${server.url} (pass MODEL.gguf for chat and the arena)`,
          `  API:    ${server.url}/v1 (OpenAI-compatible; reasoning in ${format.data})${apiKey ? ', API key required' : ''}`,
          server.web === 'ready'
            ? `  Web UI: ${server.url}/`
            : server.web === 'missing'
              ? '  Web UI: not built (run npm run build:web)'
              : '',
          store && !mode.studio ? `  Studio: ${studioUrl} (store ${store.path}, read-only)` : '',
          'Press Ctrl-C to stop.',
        ]
          .filter(Boolean)
          .join('\n'),
    );
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await server.close();
  } finally {
    dispose();
    store?.close();
    await Promise.all(models.map((m) => m.model.dispose()));
  }
}
