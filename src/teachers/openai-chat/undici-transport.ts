import { Agent, type Dispatcher, request } from 'undici';
import { ProviderError } from '../../core/errors/provider-error.ts';
import { abortError, httpError, toProviderError } from '../provider-errors.ts';
import type { ChatTransport, TransportOptions } from './transport.ts';

/** One keep-alive connection pool per process for local OpenAI-compatible servers. */
let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  return sharedAgent;
}

function plainHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The end of the first SSE event in `buffer` from `from` on: [index of the blank line, its length], or [-1, 0]. */
function eventEnd(buffer: string, from: number): [number, number] {
  const lf = buffer.indexOf('\n\n', from);
  if (buffer.indexOf('\r', from) < 0) return [lf, 2]; // the common case: LF-only lines
  const m = /\r?\n\r?\n/.exec(buffer.slice(from));
  return m ? [from + m.index, m[0].length] : [-1, 0];
}

/** The `data` of one SSE event: its `data:` lines joined (comments and other fields skipped). */
function eventData(event: string): string {
  if (event.startsWith('data:') && !event.includes('\n')) return event.slice(event[5] === ' ' ? 6 : 5);
  let data = '';
  for (const line of event.split(/\r?\n/))
    if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(line[5] === ' ' ? 6 : 5);
  return data;
}

/**
 * SSE `data` payloads of a body, parsed as JSON, until `[DONE]`: one batch per network read (the events it
 * completed), so a fast server's whole reply usually costs one async step.
 */
async function* sseJson(body: AsyncIterable<Buffer | string>): AsyncIterable<unknown[]> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  for await (const bytes of body) {
    if (done) continue; // drain after [DONE] so the keep-alive connection is reused
    buffer += typeof bytes === 'string' ? bytes : decoder.decode(bytes, { stream: true });
    const batch: unknown[] = [];
    let start = 0;
    let [end, sep] = eventEnd(buffer, 0);
    while (end >= 0) {
      const data = eventData(buffer.slice(start, end));
      start = end + sep;
      if (data === '[DONE]') {
        done = true;
        break;
      }
      if (data) {
        const value: unknown = JSON.parse(data);
        const err = (value as { error?: { message?: string } } | null)?.error;
        if (err) {
          if (batch.length > 0) yield batch; // what came before the error still reaches the reader
          throw new ProviderError(
            'server',
            `Provider error in stream: ${err.message ?? JSON.stringify(err)}`.slice(0, 500),
          );
        }
        batch.push(value);
      }
      [end, sep] = eventEnd(buffer, start);
    }
    buffer = start > 0 ? buffer.slice(start) : buffer;
    if (batch.length > 0) yield batch;
  }
}

/**
 * A lean HTTP transport on undici's `request` for local OpenAI-compatible servers (vLLM, SGLang, llama-server,
 * LM Studio, distill serve), where client overhead is a real share of the time. Same wire format and error
 * mapping as {@link OpenAITransport}; see bench/generate.ts.
 */
export class UndiciTransport implements ChatTransport {
  private readonly headers: Record<string, string>;
  private readonly query: string;

  constructor(private readonly options: TransportOptions) {
    this.headers = {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.headers,
    };
    const q = new URLSearchParams(options.query ?? {}).toString();
    this.query = q ? `?${q}` : '';
  }

  async create(
    body: Record<string, unknown>,
    stream: boolean,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const res = await request(`${this.options.baseUrl}/chat/completions${this.query}`, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify(body),
      dispatcher: agent(),
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode >= 400) throw await this.statusError(res);
    if (stream) return sseJson(res.body);
    return JSON.parse(await res.body.text());
  }

  async firstModel(signal: AbortSignal | undefined): Promise<string | undefined> {
    const res = await request(`${this.options.baseUrl}/models${this.query}`, {
      headers: this.headers,
      dispatcher: agent(),
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode >= 400) throw await this.statusError(res);
    const json = (await res.body.json()) as { data?: Array<{ id?: string }> };
    return json.data?.[0]?.id;
  }

  mapError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    if (error instanceof ProviderError) return error;
    if (signal?.aborted) return abortError(signal);
    return toProviderError(error, signal);
  }

  private async statusError(res: Dispatcher.ResponseData): Promise<ProviderError> {
    const text = await res.body.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
      message =
        (typeof json.error === 'string' ? json.error : json.error?.message) ?? json.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    return httpError(res.statusCode, message, plainHeaders(res.headers), text);
  }
}
