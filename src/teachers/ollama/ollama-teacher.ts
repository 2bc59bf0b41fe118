import { z } from 'zod';
import type { ChatRequest } from '../../core/chat-model.ts';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { StreamPart } from '../../core/stream-part.ts';
import { StreamPartWriter } from '../../core/stream-part-writer.ts';
import { BaseTeacher, type RawExtras } from '../base-teacher.ts';
import { InlineThinkSplitter } from '../inline-think.ts';
import { abortError, httpError, toProviderError } from '../provider-errors.ts';
import { samplingFields } from '../sampling-fields.ts';
import type { TeacherInfo } from '../teacher.ts';

/** One NDJSON line of Ollama's native `/api/chat` (or the whole body with `stream:false`). */
const OllamaChunkSchema = z.object({
  model: z.string().optional(),
  message: z.object({ content: z.string().nullish(), thinking: z.string().nullish() }).nullish(),
  done: z.boolean(),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().int().nullish(),
  eval_count: z.number().int().nullish(),
  error: z.string().optional(),
});
const OllamaErrorSchema = z.object({ error: z.string() });

export interface OllamaTeacherOptions {
  info: TeacherInfo;
  /** Server root, e.g. `http://127.0.0.1:11434`. */
  baseUrl: string;
  /** Bearer token for hosted Ollama. Defaults to none. */
  apiKey?: string;
  /** Stream NDJSON. Defaults to true. */
  stream?: boolean;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Ollama's native chat API with `think`: thinking arrives in `message.thinking`, the answer in `message.content`
 * (NDJSON when streaming). No maintained client for it is installed, so this is a small fetch adapter.
 */
export class OllamaTeacher extends BaseTeacher {
  readonly info: TeacherInfo;

  constructor(private readonly options: OllamaTeacherOptions) {
    super();
    this.info = options.info;
  }

  protected async *parts(
    request: ChatRequest,
    signal: AbortSignal | undefined,
    raw: RawExtras,
  ): AsyncIterable<StreamPart> {
    const stream = this.options.stream ?? true;
    const body = {
      model: this.info.modelId,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream,
      think: request.thinking?.enabled ?? true,
      options: {
        ...samplingFields(request),
        ...(request.maxTokens ? { num_predict: request.maxTokens } : {}),
      },
    };
    const writer = new StreamPartWriter();
    // Models without native thinking support put <think> inline in content.
    const inline = new InlineThinkSplitter('auto');
    let last: z.infer<typeof OllamaChunkSchema> | undefined;
    let sawThinkingField = false;
    try {
      const response = await (this.options.fetch ?? fetch)(`${this.options.baseUrl}/api/chat`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
      if (!response.ok) {
        const text = await response.text();
        const parsed = OllamaErrorSchema.safeParse(safeJson(text));
        throw httpError(
          response.status,
          parsed.success ? parsed.data.error : text.slice(0, 300),
          response.headers,
          text,
        );
      }
      for await (const line of lines(response, stream)) {
        const parsedJson = safeJson(line);
        if (parsedJson === undefined)
          throw new ProviderError('malformed', `Invalid JSON line: ${line.slice(0, 120)}`);
        const parsed = OllamaChunkSchema.safeParse(parsedJson);
        if (!parsed.success) {
          const err = OllamaErrorSchema.safeParse(parsedJson);
          if (err.success) throw new ProviderError('server', `Ollama error in stream: ${err.data.error}`);
          throw new ProviderError(
            'malformed',
            `Unexpected chunk shape: ${parsed.error.issues[0]?.message ?? ''}`,
          );
        }
        const chunk = parsed.data;
        if (chunk.message?.thinking) {
          sawThinkingField = true;
          yield* writer.reasoning(chunk.message.thinking);
        }
        if (chunk.message?.content) {
          const segments = sawThinkingField
            ? [{ kind: 'text' as const, text: chunk.message.content }]
            : inline.push(chunk.message.content);
          yield* writer.segments(segments);
        }
        if (chunk.done) last = chunk;
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw toProviderError(error, signal);
    }
    if (signal?.aborted) throw abortError(signal);
    yield* writer.segments(inline.end());
    raw.reasoningField = sawThinkingField ? 'message.thinking' : 'inline';
    if (!last) throw new ProviderError('truncated', 'The stream ended before done:true');
    if (last.model) raw.model = last.model;
    const reason = last.done_reason;
    yield* writer.finish(
      reason === 'stop' ? 'stop' : reason === 'length' ? 'length' : 'other',
      writer.usage({ input: last.prompt_eval_count, completion: last.eval_count }),
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Non-empty lines of an NDJSON body (or the whole body when not streaming). */
async function* lines(response: Response, stream: boolean): AsyncIterable<string> {
  if (!stream) {
    yield await response.text();
    return;
  }
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield line;
      nl = buffer.indexOf('\n');
    }
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest) yield rest;
}
