import type { ChatRequest } from '../core/chat-model.ts';
import { SetupError } from '../core/errors/setup-error.ts';
import type { Price } from '../core/price.ts';
import { type ApiKeyOptions, DEFAULT_KEY_ENV, resolveApiKey } from './api-keys.ts';
import { OpenAIChatTeacher } from './openai-chat/openai-chat-teacher.ts';
import { lookupPrice } from './prices.ts';
import type { Teacher, TeacherInfo } from './teacher.ts';
import { resolveTerms } from './terms/resolve-terms.ts';
import { resolveHttpThreads } from './threaded/http-threads.ts';
import { type ProviderName, parseTeacherUri, redact } from './uri.ts';

export interface CreateTeacherOptions extends ApiKeyOptions {
  /** Price overrides, USD per million tokens, by URI or `provider:model` (config `prices`). Defaults to none. */
  prices?: Record<string, Price>;
  /** Stream replies. Defaults to the URI's `?stream=` or true. */
  stream?: boolean;
  /** Terms id overriding the registry's guess (e.g. `distill-builtin`). Defaults to the guess. */
  terms?: string;
  /** Build the teacher even without an API key (dry runs send nothing). Defaults to false. */
  allowMissingKey?: boolean;
  /**
   * HTTP client of the OpenAI-chat dialects: `openai` (the openai package) or `undici` (lean). Defaults to `undici`
   * for `openai-compatible:` (local servers, where throughput matters) and `openai` for the hosted APIs.
   */
  transport?: 'openai' | 'undici';
  /** fetch for the HTTP clients. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Worker threads that run `generate` (HTTP, SSE parsing, trace fold) off the calling thread; 0 = in it. `auto` =
   * 1 for `openai-compatible:` teachers when the machine has at least 2 cores, else 0 (`openTeachers`, the way
   * `generate` and `eval` open theirs, also makes it 0 for a run of fewer than 64 requests in flight). Only
   * OpenAI-chat teachers on the undici transport without a custom `fetch` can run there; any other teacher stays
   * in-process (silently). Defaults to 0.
   */
  httpThreads?: number | 'auto';
}

const API_PROVIDERS = new Set<ProviderName>(['deepseek', 'azure', 'openai', 'openrouter', 'anthropic']);

/** Default endpoints, each overridable by env (`<PROVIDER>_BASE_URL`) or `?base=` in the URI. */
function defaultBase(provider: ProviderName, env: NodeJS.ProcessEnv): string | undefined {
  switch (provider) {
    case 'deepseek':
      return env.DEEPSEEK_BASE_URL ?? 'https://api.deepseek.com';
    case 'openrouter':
      return env.OPENROUTER_BASE_URL ?? 'https://openrouter.ai/api/v1';
    case 'openai':
      return env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
    case 'anthropic':
      return env.ANTHROPIC_BASE_URL;
    case 'ollama': {
      const host = env.OLLAMA_HOST ?? '127.0.0.1:11434';
      return /^https?:\/\//.test(host) ? host : `http://${host}`;
    }
    default:
      return undefined;
  }
}

/**
 * A teacher from its URI: `deepseek:deepseek-reasoner`, `azure:<endpoint>#<deployment>`,
 * `openai-compatible:http://host:port/v1#model`, `openai:<model>`, `ollama:deepseek-r1:7b`,
 * `openrouter:deepseek/deepseek-r1`, `anthropic:<model>`, `gguf:./model.gguf`. Keys come from env vars or the keys
 * file (never from the URI).
 */
export async function createTeacher(uri: string, options: CreateTeacherOptions = {}): Promise<Teacher> {
  const teacher = await createInProcess(uri, options);
  const threads = resolveHttpThreads(options.httpThreads, parseTeacherUri(uri).provider);
  if (
    threads === 0 ||
    options.fetch ||
    !(teacher instanceof OpenAIChatTeacher) ||
    teacher.transportName !== 'undici'
  )
    return teacher;
  const { ThreadedTeacher } = await import('./threaded/threaded-teacher.ts');
  return new ThreadedTeacher(teacher, { uri, options, threads });
}

/** The teacher a URI names, in the calling thread. */
async function createInProcess(uri: string, options: CreateTeacherOptions): Promise<Teacher> {
  const parsed = parseTeacherUri(uri);
  const env = options.env ?? process.env;
  const { provider } = parsed;
  const apiKey = resolveApiKey(provider, options);
  if (API_PROVIDERS.has(provider) && !apiKey && !options.allowMissingKey)
    throw new SetupError(`No API key for ${provider}`, {
      hint: `set ${options.apiKeyEnv?.[provider] ?? DEFAULT_KEY_ENV[provider]} in the environment (or the keys file)`,
    });
  const access = API_PROVIDERS.has(provider) ? 'api' : 'self_hosted';
  const terms = resolveTerms({ provider, modelId: parsed.model }, options.terms);
  const shown = redact(uri);
  const price = lookupPrice({ uri: shown, provider, modelId: parsed.model, access }, options.prices);
  const info: TeacherInfo = {
    uri: shown,
    provider,
    modelId: parsed.model,
    access,
    termsId: terms.id,
    price: price ?? { input: 0, output: 0 },
  };
  const stream = options.stream ?? parsed.options.stream !== 'false';
  const baseUrl = parsed.baseUrl ?? defaultBase(provider, env);
  const fetchOpt = options.fetch ? { fetch: options.fetch } : {};

  switch (provider) {
    case 'gguf': {
      const { createGgufTeacher } = await import('./gguf/gguf-teacher.ts');
      return createGgufTeacher(parsed.model, info);
    }
    case 'ollama': {
      const { OllamaTeacher } = await import('./ollama/ollama-teacher.ts');
      return new OllamaTeacher({
        info,
        baseUrl: baseUrl!,
        stream,
        ...(apiKey ? { apiKey } : {}),
        ...fetchOpt,
      });
    }
    case 'anthropic': {
      // Imported on demand: the AI SDK is heavy to load and only this provider needs it.
      const { AnthropicTeacher } = await import('./anthropic/anthropic-teacher.ts');
      return new AnthropicTeacher({
        info,
        stream,
        ...(apiKey ? { apiKey } : {}),
        ...(baseUrl ? { baseUrl } : {}),
        ...fetchOpt,
      });
    }
    case 'azure': {
      const host = new URL(baseUrl!).host;
      const isAoai = host.endsWith('openai.azure.com') && !/\/openai\//.test(baseUrl!);
      return new OpenAIChatTeacher({
        info,
        baseUrl: isAoai ? `${baseUrl}/openai/deployments/${encodeURIComponent(parsed.model)}` : baseUrl!,
        ...(apiKey ? { apiKey, headers: { 'api-key': apiKey } } : {}),
        query: { 'api-version': isAoai ? '2024-10-21' : '2024-05-01-preview', ...parsed.providerQuery },
        stream,
        ...(options.transport ? { transport: options.transport } : {}),
        ...fetchOpt,
      });
    }
    default:
      return new OpenAIChatTeacher({
        info,
        baseUrl: baseUrl!,
        ...(apiKey ? { apiKey } : {}),
        ...(Object.keys(parsed.providerQuery).length > 0 ? { query: parsed.providerQuery } : {}),
        stream,
        extraBody: extraBodyFor(provider),
        transport: options.transport ?? (provider === 'openai-compatible' ? 'undici' : 'openai'),
        ...(provider === 'openai' ? { maxTokensField: 'max_completion_tokens' as const } : {}),
        ...fetchOpt,
      });
  }
}

/** Provider-specific thinking switches. */
function extraBodyFor(provider: ProviderName): (r: ChatRequest) => Record<string, unknown> {
  return (r) => {
    const budget = r.thinking?.budgetTokens;
    if (provider === 'openrouter')
      return {
        reasoning:
          r.thinking?.enabled === false
            ? { enabled: false }
            : budget
              ? { max_tokens: budget }
              : { enabled: true },
      };
    if (provider === 'openai-compatible' && r.thinking?.enabled === false)
      return { chat_template_kwargs: { enable_thinking: false } };
    // An explicit budget (`--thinking-budget`) in the shape `distill serve` (and Anthropic-style servers) read.
    if (provider === 'openai-compatible' && budget !== undefined)
      return { thinking: { type: 'enabled', budget_tokens: budget } };
    return {};
  };
}
