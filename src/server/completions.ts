import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { TokenCandidate, TokenLogprob } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { CompletionRequest, LocalStreamOptions } from '../runtime/local-model.ts';
import type { ScoredPosition } from '../runtime/score.ts';
import { toFinishReason } from './completion-format.ts';
import { type CompletionToken, completionLogprobs } from './logprobs.ts';
import type { ModelRegistry } from './model-registry.ts';
import { fromZodError, HttpError, toHttpError } from './openai-error.ts';
import { SamplingFields } from './openai-schema.ts';
import { sseResponse } from './sse-response.ts';

/** What a served model needs for `/v1/completions` (LocalModel has it; remote teachers do not). */
export interface CompletionCapable {
  complete(
    request: CompletionRequest,
    options?: Omit<LocalStreamOptions, 'control'>,
  ): AsyncIterable<StreamPart>;
  score(sequences: number[][], options?: { topK?: number }): Promise<ScoredPosition[][]>;
  tokenizePrompt(prompt: string | number[]): number[];
  candidate(token: number, logprob: number): TokenCandidate;
}

function completionCapable(model: unknown): model is CompletionCapable {
  const m = model as Partial<CompletionCapable>;
  return (
    typeof m.complete === 'function' &&
    typeof m.score === 'function' &&
    typeof m.tokenizePrompt === 'function'
  );
}

const TokenIds = z.array(z.number().int().min(0)).min(1).max(1_000_000);

/** The body of `POST /v1/completions` (OpenAI legacy completions; one prompt per request). */
export const CompletionBodySchema = z.looseObject({
  model: z.string().min(1).max(256),
  prompt: z.union([z.string(), z.array(z.string()).length(1), TokenIds, z.array(TokenIds).length(1)]),
  /** OpenAI's default is 16. 0 generates nothing (with `echo`, scores the prompt). */
  max_tokens: z.number().int().min(0).nullable().optional(),
  ...SamplingFields,
  n: z.literal(1, 'this server returns one choice per completion request').nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  /** Alternatives per token (0–20); any value (0 too) returns each token's own logprob. */
  logprobs: z.number().int().min(0).max(20).nullable().optional(),
  /** Return the prompt before the completion (with `logprobs`, the prompt tokens' logprobs too). */
  echo: z.boolean().nullable().optional(),
  /** vLLM's extension: name tokens `token_id:N` in `logprobs` (exact ids, e.g. for teacher scoring). */
  return_tokens_as_token_ids: z.boolean().nullable().optional(),
  best_of: z.literal(1, 'best_of is not supported').nullable().optional(),
  suffix: z.null('suffix is not supported').optional(),
});
export type CompletionBody = z.infer<typeof CompletionBodySchema>;

export interface CompletionsDeps {
  registry: ModelRegistry;
  /** Largest `max_tokens` a request may ask for. */
  maxTokensLimit: number;
}

async function readBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON', { code: 'invalid_json' });
  }
}

function promptOf(body: CompletionBody): string | number[] {
  const p = body.prompt;
  if (typeof p === 'string') return p;
  const first = p[0];
  if (typeof first === 'string') return first;
  if (Array.isArray(first)) return first;
  return p as number[];
}

function asCompletionToken(t: TokenLogprob): CompletionToken {
  return { token: t.token, text: t.text, logprob: t.logprob, top: t.top };
}

/** Prompt tokens with their logprobs (the first has none: nothing predicts it). */
async function promptTokens(
  model: CompletionCapable,
  ids: number[],
  topK: number,
): Promise<CompletionToken[]> {
  const [scored = []] = await model.score([ids], { topK });
  return ids.map((id, i) => {
    const text = model.candidate(id, 0).text;
    if (i === 0) return { token: id, text, logprob: null, top: null };
    const p = scored[i - 1] as ScoredPosition;
    return {
      token: id,
      text,
      logprob: p.logprob,
      top: p.top.map((t) => model.candidate(t.token, t.logprob)),
    };
  });
}

/**
 * Handler of `POST /v1/completions`: plain text in, text out (base models), streaming or not, with OpenAI's
 * legacy `logprobs` (and `echo` + `max_tokens: 0` to score a given text, like vLLM's `prompt_logprobs`).
 */
export function completions(deps: CompletionsDeps): (c: Context) => Promise<Response> {
  return async (c) => {
    const parsed = CompletionBodySchema.safeParse(await readBody(c));
    if (!parsed.success) throw fromZodError(parsed.error);
    const body = parsed.data;
    const served = deps.registry.get(body.model);
    if (!completionCapable(served.model))
      throw new HttpError(400, `The model '${served.name}' does not support text completions`, {
        param: 'model',
        code: 'unsupported_model',
      });
    const model = served.model;
    const maxTokens = body.max_tokens ?? 16;
    if (maxTokens > deps.maxTokensLimit)
      throw new HttpError(
        400,
        `max_tokens ${maxTokens} exceeds this server's limit of ${deps.maxTokensLimit}`,
        {
          param: 'max_tokens',
          code: 'invalid_value',
        },
      );
    const prompt = promptOf(body);
    let ids: number[];
    try {
      ids = model.tokenizePrompt(prompt);
    } catch (error) {
      throw toHttpError(error);
    }
    const topK = body.logprobs ?? undefined;
    const echo = body.echo === true;
    const asIds = body.return_tokens_as_token_ids === true;
    const id = `cmpl-${randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const abort = new AbortController();
    const requestSignal = c.req.raw.signal;
    const onClientGone = () => abort.abort(new Error('client disconnected'));
    if (requestSignal.aborted) onClientGone();
    else requestSignal.addEventListener('abort', onClientGone, { once: true });
    const release = await served.queue.acquire(abort.signal);
    let released = false;
    const cleanup = () => {
      if (released) return;
      released = true;
      release();
      requestSignal.removeEventListener('abort', onClientGone);
    };
    try {
      const echoText = echo
        ? typeof prompt === 'string'
          ? prompt
          : ids.map((t) => model.candidate(t, 0).text).join('')
        : '';
      const echoTokens = echo && topK !== undefined ? await promptTokens(model, ids, topK) : [];
      const generated: TokenLogprob[] = [];
      const parts =
        maxTokens > 0
          ? model.complete(
              {
                prompt: ids,
                maxTokens,
                ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
                ...(typeof body.top_p === 'number' && body.top_p > 0 ? { topP: body.top_p } : {}),
                ...(body.top_p === 0 ? { temperature: 0 } : {}),
                ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
                ...(body.stop ? { stop: typeof body.stop === 'string' ? [body.stop] : body.stop } : {}),
              },
              {
                signal: abort.signal,
                ...(topK !== undefined
                  ? { logprobs: { topLogprobs: topK, onToken: (t) => generated.push(t) } }
                  : {}),
              },
            )
          : undefined;
      const base = { id, object: 'text_completion', created, model: served.name };
      const usage = (completion: number) => ({
        prompt_tokens: ids.length,
        completion_tokens: completion,
        total_tokens: ids.length + completion,
      });
      if (body.stream === true) {
        const iterator = parts?.[Symbol.asyncIterator]();
        const first = iterator ? await iterator.next() : undefined;
        async function* events(): AsyncGenerator<unknown> {
          let offset = 0;
          const chunk = (text: string, tokens: CompletionToken[], finish: string | null = null) => {
            const logprobs = topK !== undefined ? completionLogprobs(tokens, offset, asIds) : null;
            offset += text.length;
            return { ...base, choices: [{ index: 0, text, logprobs, finish_reason: finish }] };
          };
          let completionTokens = 0;
          try {
            if (echo) yield chunk(echoText, echoTokens);
            if (!iterator || !first) {
              yield chunk('', [], 'length');
            } else {
              let next = first;
              while (!next.done) {
                const part = next.value;
                if (part.type === 'text-delta' || part.type === 'reasoning-delta')
                  yield chunk(part.delta, generated.splice(0).map(asCompletionToken));
                else if (part.type === 'finish') {
                  completionTokens = part.usage.output + part.usage.reasoning;
                  yield chunk(
                    '',
                    generated.splice(0).map(asCompletionToken),
                    toFinishReason(part.finishReason),
                  );
                } else if (part.type === 'error') throw new Error(part.error);
                next = await iterator.next();
              }
            }
            if (body.stream_options?.include_usage)
              yield { ...base, choices: [], usage: usage(completionTokens) };
          } catch (error) {
            if (!abort.signal.aborted) yield toHttpError(error).toBody();
          } finally {
            cleanup();
            abort.abort();
            await iterator?.return?.(undefined);
          }
        }
        return sseResponse(events(), {
          headers: { 'x-request-id': id },
          onCancel: () => abort.abort(new Error('client disconnected')),
        });
      }
      let text = '';
      let finish = 'length';
      let completionTokens = 0;
      if (parts)
        for await (const part of parts) {
          if (part.type === 'text-delta' || part.type === 'reasoning-delta') text += part.delta;
          if (part.type === 'finish') {
            finish = toFinishReason(part.finishReason);
            completionTokens = part.usage.output + part.usage.reasoning;
          }
        }
      cleanup();
      const logprobs =
        topK !== undefined
          ? completionLogprobs([...echoTokens, ...generated.map(asCompletionToken)], 0, asIds)
          : null;
      return c.json(
        {
          ...base,
          choices: [{ index: 0, text: echoText + text, logprobs, finish_reason: finish }],
          usage: usage(completionTokens),
        },
        200,
        { 'x-request-id': id },
      );
    } catch (error) {
      cleanup();
      abort.abort();
      throw error;
    }
  };
}
