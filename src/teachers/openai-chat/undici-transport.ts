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

/** SSE `data` payloads of a body, parsed as JSON, until `[DONE]`. Comments and other fields are skipped. */
async function* sseJson(body: AsyncIterable<Buffer | string>): AsyncIterable<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  for await (const bytes of body) {
    if (done) continue; // drain after [DONE] so the keep-alive connection is reused
    buffer += typeof bytes === 'string' ? bytes : decoder.decode(bytes, { stream: true });
    let end = buffer.search(/\r?\n\r?\n/);
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
      let data = '';
      for (const line of event.split(/\r?\n/))
        if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(line[5] === ' ' ? 6 : 5);
      if (data === '[DONE]') {
        done = true;
        break;
      }
      if (data) {
        const value: unknown = JSON.parse(data);
        const err = (value as { error?: { message?: string } } | null)?.error;
        if (err)
          throw new ProviderError(
            'server',
            `Provider error in stream: ${err.message ?? JSON.stringify(err)}`.slice(0, 500),
          );
        yield value;
      }
      end = buffer.search(/\r?\n\r?\n/);
    }
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
