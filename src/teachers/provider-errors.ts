import { ProviderError } from '../core/errors/provider-error.ts';

/** Read a header from a Headers object or a plain record. */
function header(headers: Headers | Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string>;
  return rec[name] ?? rec[name.toLowerCase()];
}

/** Parse `1s`, `6m0s`, `20ms`, `0.5` (seconds) into milliseconds. */
function durationMs(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return matched ? total : undefined;
}

/**
 * How long the provider asks us to wait: `retry-after-ms`, `retry-after` (seconds or HTTP date), then the
 * OpenAI-style `x-ratelimit-reset-requests`/`-tokens` and Anthropic `anthropic-ratelimit-*-reset` (RFC 3339).
 */
export function retryAfterMs(
  headers: Headers | Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = header(headers, 'retry-after');
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra.trim()) * 1000;
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const resets = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((h) => header(headers, h))
    .filter((v): v is string => Boolean(v))
    .map(durationMs)
    .filter((v): v is number => v !== undefined);
  for (const h of ['anthropic-ratelimit-requests-reset', 'anthropic-ratelimit-tokens-reset']) {
    const v = header(headers, h);
    const at = v ? Date.parse(v) : Number.NaN;
    if (Number.isFinite(at)) resets.push(Math.max(0, at - now));
  }
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

/** A ProviderError for an HTTP error status, with the provider's own message and the wait it asked for. */
export function httpError(
  status: number,
  message: string,
  headers?: Headers | Record<string, string>,
  body?: unknown,
): ProviderError {
  const text = `${message}`.slice(0, 500);
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  if (status === 429) {
    const wait = retryAfterMs(headers);
    return new ProviderError('rate-limit', `Rate limited (429): ${text}`, {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      hint: 'lower --concurrency or set --rpm/--tpm to your plan limits',
    });
  }
  if (status === 401 || status === 403)
    return new ProviderError('auth', `Not authorised (${status}): ${text}`, {
      status,
      hint: 'check the API key env var for this provider (e.g. DEEPSEEK_API_KEY)',
    });
  if (status === 408) return new ProviderError('timeout', `Request timeout (408): ${text}`, { status });
  if (/content_filter|content management policy/i.test(`${text} ${bodyText}`))
    return new ProviderError('content-filter', `Blocked by the provider's content filter: ${text}`, {
      status,
    });
  if (status >= 500) {
    const wait = retryAfterMs(headers);
    return new ProviderError('server', `Server error (${status}): ${text}`, {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  return new ProviderError('bad-request', `Request rejected (${status}): ${text}`, {
    status,
    hint:
      status === 404
        ? 'check the model name and the base URL'
        : 'check the request settings for this provider',
  });
}

/** Map a thrown network/parse/abort error to a ProviderError; passes ProviderErrors through. */
export function toProviderError(error: unknown, signal: AbortSignal | undefined): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return abortError(signal);
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error instanceof SyntaxError || e?.name === 'SyntaxError')
    return new ProviderError('malformed', `Malformed response body: ${e.message ?? ''}`.slice(0, 300), {
      cause: error,
    });
  if (e?.name === 'TimeoutError' || /timed? ?out/i.test(e?.message ?? ''))
    return new ProviderError('timeout', `Request timed out: ${e?.message ?? ''}`, { cause: error });
  const detail = [e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(': ');
  if (/terminated|other side closed|premature close|ECONNRESET|aborted/i.test(detail))
    return new ProviderError('truncated', `The connection closed mid-reply: ${detail}`, { cause: error });
  return new ProviderError('network', `Network error: ${detail || String(error)}`, {
    cause: error,
    hint: 'check the base URL and that the server is up',
  });
}

/** The error for an aborted signal: `timeout` for our per-request timer, else `aborted`. */
export function abortError(signal: AbortSignal): ProviderError {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') return new ProviderError('timeout', 'The request timed out');
  return new ProviderError('aborted', 'The request was aborted', { retryable: false });
}
