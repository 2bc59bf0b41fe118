import { fuzzBodies } from './fuzz-bodies.ts';

/** One streaming request as a client sees it. */
export interface StreamOutcome {
  ok: boolean;
  status: number;
  /** Milliseconds to the first reasoning or content delta; null when none arrived. */
  ttftMs: number | null;
  chunks: number;
  error?: string;
}

/** Stream one chat completion with fetch and time its first token. */
export async function streamOnce(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<StreamOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ ...body, stream: true }),
    });
    if (!res.ok || !res.body)
      return { ok: false, status: res.status, ttftMs: null, chunks: 0, error: await res.text() };
    let ttftMs: number | null = null;
    let chunks = 0;
    let text = '';
    let sawDone = false;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let cut = text.indexOf('\n\n');
      while (cut >= 0) {
        const data = text.slice(0, cut).replace(/^data: ?/, '');
        text = text.slice(cut + 2);
        cut = text.indexOf('\n\n');
        if (data === '[DONE]') {
          sawDone = true;
          continue;
        }
        const chunk = JSON.parse(data) as {
          error?: { message: string };
          choices?: { delta?: { content?: string; reasoning_content?: string } }[];
        };
        if (chunk.error) return { ok: false, status: 200, ttftMs, chunks, error: chunk.error.message };
        const delta = chunk.choices?.[0]?.delta;
        if (delta?.content || delta?.reasoning_content) {
          chunks += 1;
          ttftMs ??= performance.now() - started;
        }
      }
    }
    return sawDone
      ? { ok: true, status: 200, ttftMs, chunks }
      : { ok: false, status: 200, ttftMs, chunks, error: 'stream ended without [DONE]' };
  } catch (error) {
    return { ok: false, status: 0, ttftMs: null, chunks: 0, error: (error as Error).message };
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstErrors: string[];
  ttftP50: number;
  ttftP99: number;
  chunksPerSecond: number;
}

/** `clients` concurrent streaming clients, each sending requests back to back for `seconds`. */
export async function runLoad(options: {
  url: string;
  clients: number;
  seconds: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const deadline = performance.now() + options.seconds * 1000;
  const ttfts: number[] = [];
  const firstErrors: string[] = [];
  let requests = 0;
  let errors = 0;
  let chunks = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      let i = 0;
      while (performance.now() < deadline) {
        const outcome = await streamOnce(
          options.url,
          { ...options.body, seed: client * 100_000 + i++ },
          options.headers,
        );
        requests += 1;
        chunks += outcome.chunks;
        if (outcome.ttftMs !== null) ttfts.push(outcome.ttftMs);
        if (!outcome.ok) {
          errors += 1;
          if (firstErrors.length < 5) firstErrors.push(`${outcome.status}: ${outcome.error}`);
        }
      }
    }),
  );
  return {
    requests,
    errors,
    firstErrors,
    ttftP50: percentile(ttfts, 50),
    ttftP99: percentile(ttfts, 99),
    chunksPerSecond: (chunks * 1000) / (performance.now() - started),
  };
}

export interface FuzzResult {
  sent: number;
  /** Responses that were not 4xx with an OpenAI-shaped JSON error. */
  bad: string[];
  statuses: Record<number, number>;
}

/** POST `count` malformed bodies over HTTP; every answer must be a 4xx JSON error. */
export async function runFuzz(options: {
  url: string;
  count: number;
  model: string;
  headers?: Record<string, string>;
  maxBodyBytes?: number;
}): Promise<FuzzResult> {
  const bad: string[] = [];
  const statuses: Record<number, number> = {};
  const bodies = fuzzBodies(options.count, {
    model: options.model,
    seed: 7,
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  for (const { kind, body, contentType } of bodies) {
    const res = await fetch(`${options.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...options.headers },
      body,
    });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const json = (await res.json().catch(() => undefined)) as { error?: { message?: unknown } } | undefined;
    if (res.status < 400 || res.status >= 500 || typeof json?.error?.message !== 'string')
      bad.push(`${kind} → ${res.status}: ${body.slice(0, 80)}`);
  }
  return { sent: bodies.length, bad, statuses };
}
