import { InvalidInputError } from '../core/errors/invalid-input-error.ts';

export const PROVIDERS = [
  'deepseek',
  'azure',
  'openai-compatible',
  'openai',
  'ollama',
  'openrouter',
  'anthropic',
  'gguf',
] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** A parsed teacher URI. Carries no credentials (they come from env or the config file). */
export interface TeacherUri {
  provider: ProviderName;
  /** Model id, Azure deployment, or GGUF path. Empty for `openai-compatible` without `#model` (auto-detected). */
  model: string;
  /** Endpoint from the URI (`azure`, `openai-compatible`) or a `?base=` override. */
  baseUrl?: string;
  /** Query parameters the provider itself needs, e.g. Azure `api-version`. */
  providerQuery: Record<string, string>;
  /** Distill options from the URI query: `stream=false`, `think=false`, `base=…`. */
  options: Record<string, string>;
}

const DISTILL_KEYS = new Set(['stream', 'think', 'base']);
const SECRET_KEY = /key|token|secret|password|sig/i;

const USAGE =
  'use deepseek:MODEL, azure:ENDPOINT#DEPLOYMENT, openai-compatible:http://host:port/v1#MODEL, openai:MODEL, ' +
  'ollama:MODEL, openrouter:VENDOR/MODEL, anthropic:MODEL or gguf:PATH';

function rejectSecret(uri: string, key: string): void {
  if (SECRET_KEY.test(key))
    throw new InvalidInputError(`Teacher URI '${redact(uri)}' carries a credential ('${key}')`, {
      hint: 'pass API keys through env vars (e.g. DEEPSEEK_API_KEY) or the config file, never on the command line',
    });
}

/** Replace anything that looks like a credential in a URI before it is shown or stored. */
export function redact(uri: string): string {
  return uri
    .replace(/\/\/[^/@]*@/, '//***@')
    .replace(/([?&][^=&#]*(?:key|token|secret|password|sig)[^=&#]*=)[^&#]*/gi, '$1***');
}

/** A `?base=` override must be an http(s) URL. */
function checkBase(uri: string, options: Record<string, string>): void {
  if (options.base === undefined) return;
  let protocol = '';
  try {
    protocol = new URL(options.base).protocol;
  } catch {}
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new InvalidInputError(`Teacher '${redact(uri)}': base=${options.base} is not an http(s) URL`, {
      hint: 'write base=http://HOST:PORT/v1',
    });
}

function splitQuery(rest: string): { head: string; query: URLSearchParams } {
  const q = rest.indexOf('?');
  return q < 0
    ? { head: rest, query: new URLSearchParams() }
    : { head: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}

/** Parse `provider:rest`. Throws InvalidInputError with the accepted forms on anything else. */
export function parseTeacherUri(uri: string): TeacherUri {
  const colon = uri.indexOf(':');
  const provider = uri.slice(0, colon) as ProviderName;
  const rest = uri.slice(colon + 1);
  if (colon <= 0 || !PROVIDERS.includes(provider) || rest.length === 0)
    throw new InvalidInputError(`Unknown teacher '${redact(uri)}'`, { hint: USAGE });
  const options: Record<string, string> = {};
  const providerQuery: Record<string, string> = {};

  if (provider === 'azure' || provider === 'openai-compatible') {
    let url: URL;
    try {
      url = new URL(rest);
    } catch (cause) {
      throw new InvalidInputError(`Teacher '${redact(uri)}' needs an http(s) endpoint URL`, {
        hint: USAGE,
        cause,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidInputError(
        `Teacher '${redact(uri)}' needs an http(s) endpoint URL, got a ${url.protocol.replace(/:$/, '')}: URL`,
        { hint: USAGE },
      );
    if (url.username || url.password)
      throw new InvalidInputError(`Teacher URI '${redact(uri)}' carries credentials in the URL`, {
        hint: 'pass API keys through env vars or the config file, never on the command line',
      });
    for (const [k, v] of url.searchParams) {
      rejectSecret(uri, k);
      if (DISTILL_KEYS.has(k)) options[k] = v;
      else providerQuery[k] = v;
    }
    const model = decodeURIComponent(url.hash.slice(1));
    if (provider === 'azure' && !model)
      throw new InvalidInputError(`Teacher '${redact(uri)}' names no deployment`, {
        hint: 'write azure:https://RESOURCE.services.ai.azure.com/models#DEPLOYMENT',
      });
    checkBase(uri, options);
    url.hash = '';
    url.search = '';
    const baseUrl = (options.base ?? url.toString()).replace(/\/+$/, '');
    return { provider, model, baseUrl, providerQuery, options };
  }

  const { head, query } = splitQuery(rest);
  for (const [k, v] of query) {
    rejectSecret(uri, k);
    if (DISTILL_KEYS.has(k)) options[k] = v;
    else providerQuery[k] = v;
  }
  if (!head) throw new InvalidInputError(`Teacher '${redact(uri)}' names no model`, { hint: USAGE });
  checkBase(uri, options);
  return {
    provider,
    model: head,
    ...(options.base ? { baseUrl: options.base.replace(/\/+$/, '') } : {}),
    providerQuery,
    options,
  };
}
