/** The slice of the Distill server API the UI uses (OpenAI chat completions + the answer-now extension). */

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatSettings {
  model: string;
  /** Thinking budget in tokens, `off`, or `none` for no limit. */
  budget: string;
  maxTokens: number;
}

/** What the stream reports as it goes. */
export type StreamEvent =
  | { type: 'id'; id: string }
  | { type: 'reasoning'; text: string }
  | { type: 'content'; text: string }
  | { type: 'finish'; reason: string }
  | {
      type: 'usage';
      reasoningTokens: number;
      completionTokens: number;
      tokensPerSecond: number | null;
    };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const KEY = 'distill.apiKey';

/** The stored API key as an `Authorization` header (none when no key is stored). */
export function authHeaders(): Record<string, string> {
  const key = localStorage.getItem(KEY);
  return key ? { authorization: `Bearer ${key}` } : {};
}

function headers(): Record<string, string> {
  return { 'content-type': 'application/json', ...authHeaders() };
}

export function setApiKey(key: string): void {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(message, res.status);
}

export async function listModels(): Promise<string[]> {
  const res = await fetch('v1/models', { headers: headers() });
  if (!res.ok) throw await failure(res);
  const body = (await res.json()) as { data: { id: string }[] };
  return body.data.map((m) => m.id);
}

export async function answerNow(id: string): Promise<void> {
  const res = await fetch(`v1/distill/answer-now/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: headers(),
  });
  // 404: the request has already finished; nothing to do.
  if (!res.ok && res.status !== 404) throw await failure(res);
}

function thinkingParam(budget: string): Record<string, unknown> {
  if (budget === 'off') return { type: 'disabled' };
  if (budget === 'none') return { type: 'enabled' };
  return { type: 'enabled', budget_tokens: Number(budget) };
}

interface Chunk {
  id?: string;
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null };
    finish_reason?: string | null;
  }[];
  usage?: { completion_tokens: number; completion_tokens_details?: { reasoning_tokens?: number } };
  timings?: { tokens_per_second?: number | null };
  error?: { message?: string };
}

/** Stream one assistant turn. Yields events until the server sends `[DONE]`; abort with `signal`. */
export async function* streamChat(
  turns: ChatTurn[],
  settings: ChatSettings,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const res = await fetch('v1/chat/completions', {
    method: 'POST',
    headers: headers(),
    signal,
    body: JSON.stringify({
      model: settings.model,
      messages: turns,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: settings.maxTokens,
      thinking: thinkingParam(settings.budget),
      reasoning_format: 'reasoning_content',
    }),
  });
  if (!res.ok || !res.body) throw await failure(res);
  let requestId = res.headers.get('x-request-id');
  if (requestId) yield { type: 'id', id: requestId };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) throw new ApiError(chunk.error.message ?? 'The model failed', 500);
      if (chunk.id && !requestId) {
        requestId = chunk.id;
        yield { type: 'id', id: chunk.id };
      }
      for (const choice of chunk.choices ?? []) {
        if (choice.delta?.reasoning_content)
          yield { type: 'reasoning', text: choice.delta.reasoning_content };
        if (choice.delta?.content) yield { type: 'content', text: choice.delta.content };
        if (choice.finish_reason) yield { type: 'finish', reason: choice.finish_reason };
      }
      if (chunk.usage)
        yield {
          type: 'usage',
          reasoningTokens: chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0,
          completionTokens: chunk.usage.completion_tokens,
          tokensPerSecond: chunk.timings?.tokens_per_second ?? null,
        };
    }
  }
}
