import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ChatRequest } from '../core/chat-model.ts';
import type { TokenLogprob } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { ThinkingEnd } from '../core/trace.ts';
import {
  deltaForPart,
  type OpenAIDelta,
  reasoningFields,
  toFinishReason,
  toTimings,
  toUsage,
} from './completion-format.ts';
import type { InFlightHandle, InFlightRequests } from './in-flight.ts';
import { chatLogprobs } from './logprobs.ts';
import { type EffortBudgets, type MappedRequest, mapRequest } from './map-request.ts';
import { mergeStreams } from './merge-streams.ts';
import type { ModelRegistry, ServedModel } from './model-registry.ts';
import { fromZodError, HttpError, toHttpError } from './openai-error.ts';
import { ChatCompletionBodySchema, type ReasoningFormat } from './openai-schema.ts';
import { ChoiceAccumulator, runChoice } from './run-choice.ts';
import { sseResponse } from './sse-response.ts';

export interface ChatCompletionsDeps {
  registry: ModelRegistry;
  inFlight: InFlightRequests;
  reasoningFormat: ReasoningFormat;
  effortBudgets: EffortBudgets;
  /** Largest `max_tokens` a request may ask for. */
  maxTokensLimit: number;
}

interface Job {
  id: string;
  created: number;
  served: ServedModel;
  mapped: MappedRequest;
  abort: AbortController;
  handle: InFlightHandle;
  accumulators: ChoiceAccumulator[];
  sources: AsyncGenerator<StreamPart>[];
  /** Per choice, sampled tokens not yet sent (when the request asked for logprobs). */
  logprobs: TokenLogprob[][] | undefined;
}

/** The `logprobs` field of a choice: the tokens gathered since the last chunk, or null when not requested. */
function takeLogprobs(job: Job, index: number) {
  const pending = job.logprobs?.[index];
  return pending ? { content: chatLogprobs(pending.splice(0)), refusal: null } : null;
}

async function readBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON', { code: 'invalid_json' });
  }
}

function choiceRequest(request: ChatRequest, index: number): ChatRequest {
  return index > 0 && request.seed !== undefined ? { ...request, seed: request.seed + index } : request;
}

/** Handler of `POST /v1/chat/completions`. The request id doubles as the handle for answer-now. */
export function chatCompletions(deps: ChatCompletionsDeps): (c: Context) => Promise<Response> {
  return async (c) => {
    const startedAt = performance.now();
    const parsed = ChatCompletionBodySchema.safeParse(await readBody(c));
    if (!parsed.success) throw fromZodError(parsed.error);
    const body = parsed.data;
    const served = deps.registry.get(body.model);
    const mapped = mapRequest(body, deps);
    const maxTokens = mapped.request.maxTokens;
    if (maxTokens !== undefined && maxTokens > deps.maxTokensLimit)
      throw new HttpError(
        400,
        `max_tokens ${maxTokens} exceeds this server's limit of ${deps.maxTokensLimit}`,
        {
          param: body.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens',
          code: 'invalid_value',
        },
      );

    if (body.top_logprobs != null && body.logprobs !== true)
      throw new HttpError(400, 'top_logprobs needs logprobs: true', {
        param: 'top_logprobs',
        code: 'invalid_value',
      });
    const topLogprobs = body.logprobs === true ? (body.top_logprobs ?? 0) : undefined;
    const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
    const abort = new AbortController();
    const requestSignal = c.req.raw.signal;
    const onClientGone = () => abort.abort(new Error('client disconnected'));
    if (requestSignal.aborted) onClientGone();
    else requestSignal.addEventListener('abort', onClientGone, { once: true });
    const handle = deps.inFlight.register(id);
    const accumulators = Array.from({ length: mapped.n }, () => new ChoiceAccumulator(startedAt));
    const logprobs = topLogprobs === undefined ? undefined : accumulators.map((): TokenLogprob[] => []);
    const sources = accumulators.map((_, i) =>
      runChoice(served, choiceRequest(mapped.request, i), {
        signal: abort.signal,
        control: handle.attach,
        ...(logprobs && topLogprobs !== undefined
          ? { logprobs: { topLogprobs, onToken: (t: TokenLogprob) => logprobs[i]?.push(t) } }
          : {}),
      }),
    );
    const job: Job = {
      id,
      created: Math.floor(Date.now() / 1000),
      served,
      mapped,
      abort,
      handle,
      accumulators,
      sources,
      logprobs,
    };
    const cleanup = () => {
      handle.done();
      requestSignal.removeEventListener('abort', onClientGone);
    };
    try {
      if (mapped.stream) return await streamJob(job, cleanup);
      const response = await completeJob(job);
      cleanup();
      return c.json(response, 200, { 'x-request-id': id });
    } catch (error) {
      cleanup();
      abort.abort();
      throw error;
    }
  };
}

function timingsOf(job: Job) {
  return job.accumulators.map((a) => toTimings(a.measured(), a.modelTiming, a.usage));
}

async function completeJob(job: Job) {
  await Promise.all(
    job.sources.map(async (source, i) => {
      for await (const part of source) job.accumulators[i]!.observe(part);
    }),
  );
  const format = job.mapped.reasoningFormat;
  return {
    id: job.id,
    object: 'chat.completion',
    created: job.created,
    model: job.served.name,
    choices: job.accumulators.map((a, index) => {
      // The fold's trace gives the finish; the message carries the text exactly as it streams.
      const trace = a.trace();
      let message: OpenAIDelta = { role: 'assistant', content: a.content };
      if (a.reasoning && format === 'inline')
        message.content = `<think>\n${a.reasoning}\n</think>\n\n${a.content}`;
      else if (a.reasoning) message = { ...message, ...reasoningFields(a.reasoning, format) };
      return {
        index,
        message,
        logprobs: takeLogprobs(job, index),
        finish_reason: toFinishReason(trace.finishReason),
        thinking_end: a.thinkingEnd,
      };
    }),
    usage: toUsage(job.accumulators.map((a) => a.usage ?? { input: 0, reasoning: 0, output: 0 })),
    timings: timingsOf(job)[0],
  };
}

/**
 * Stream a job as chat.completion.chunk events. Headers are sent once the first part arrives, so queue-full
 * and load failures still answer with a proper HTTP error status.
 */
async function streamJob(job: Job, cleanup: () => void): Promise<Response> {
  const merged = mergeStreams(job.sources);
  const first = await merged.next();
  const chunk = (
    index: number,
    delta: OpenAIDelta,
    finish: string | null = null,
    thinkingEnd?: ThinkingEnd,
  ) => ({
    id: job.id,
    object: 'chat.completion.chunk',
    created: job.created,
    model: job.served.name,
    choices: [
      {
        index,
        delta,
        logprobs: takeLogprobs(job, index),
        finish_reason: finish,
        ...(thinkingEnd ? { thinking_end: thinkingEnd } : {}),
      },
    ],
  });
  async function* events(): AsyncGenerator<unknown> {
    try {
      for (let i = 0; i < job.mapped.n; i++) yield chunk(i, { role: 'assistant', content: '' });
      let next = first;
      while (!next.done) {
        const { index, value: part } = next.value;
        job.accumulators[index]!.observe(part);
        if (part.type === 'finish')
          yield chunk(index, {}, toFinishReason(part.finishReason), job.accumulators[index]!.thinkingEnd);
        else {
          const delta = deltaForPart(part, job.mapped.reasoningFormat);
          if (delta) yield chunk(index, delta);
        }
        next = await merged.next();
      }
      if (job.mapped.includeUsage)
        yield {
          id: job.id,
          object: 'chat.completion.chunk',
          created: job.created,
          model: job.served.name,
          choices: [],
          usage: toUsage(job.accumulators.map((a) => a.usage ?? { input: 0, reasoning: 0, output: 0 })),
          timings: timingsOf(job)[0],
        };
    } catch (error) {
      if (!job.abort.signal.aborted) yield toHttpError(error).toBody();
    } finally {
      cleanup();
      job.abort.abort();
      await merged.return(undefined);
    }
  }
  return sseResponse(events(), {
    headers: { 'x-request-id': job.id },
    onCancel: () => job.abort.abort(new Error('client disconnected')),
  });
}
