import {
  type ChatModel,
  type ChatRequest,
  ChatRequestSchema,
  type GenerationControl,
} from '../core/chat-model.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import type { LogprobRequest, TokenLogprob } from '../core/logprobs.ts';
import type { StreamPart } from '../core/stream-part.ts';
import type { Trace } from '../core/trace.ts';
import { foldTrace } from '../core/trace-fold.ts';
import { validate } from '../core/validate.ts';
import { Generation } from './generation.ts';
import { logprobsOf } from './logprobs.ts';
import { reserveMemory } from './memory-budget.ts';
import { type ModelInfo, NativeModel } from './native-model.ts';
import { PartQueue } from './part-queue.ts';
import { Sampler } from './sampler.ts';
import { DecodeScheduler, type SchedulerOptions } from './scheduler.ts';
import { type ScoredPosition, scoreSequences } from './score.ts';
import { type ChatTemplate, selectTemplate, type TemplateId } from './templates.ts';

export interface LoadModelOptions extends SchedulerOptions {
  /**
   * Chat format: a template name (Distill's or a llama.cpp built-in) or a `.jinja` file. Defaults to the GGUF's
   * own template, else a llama.cpp built-in chosen from its vocabulary and architecture.
   */
  template?: TemplateId;
  /** Model id reported to callers. Defaults to the file path. */
  id?: string;
  /**
   * Refuse to load when all models loaded in this process (weights + KV cache) would exceed this many bytes.
   * Defaults to the `DISTILL_MEMORY_BUDGET` environment variable (bytes), else no limit.
   */
  memoryBudgetBytes?: number;
}

/** Runtime-only extras on top of the ChatModel stream options. */
export interface LocalStreamOptions {
  signal?: AbortSignal;
  control?: (c: GenerationControl) => void;
  /** Keep earlier assistant thinking in the prompt. Defaults to false (stripped, R1 rule). */
  keepHistoryThinking?: boolean;
  /** Text written before a budget closes thinking. Defaults to a short sentence. */
  wrapUp?: string;
  /** Tokens kept free for the answer when `thinking.reserveAnswer` is on. Defaults to max(8, maxTokens/4), ≤ 256. */
  answerReserve?: number;
  /** Top-k filter (0 = off). Defaults to 0. */
  topK?: number;
  /** Report each sampled token's log-probability and top alternatives. */
  logprobs?: LogprobRequest;
}

/** A plain text completion (base models, `/v1/completions`): no chat template, no thinking control. */
export interface CompletionRequest {
  /** Prompt text (special tokens written as text are parsed; BOS added when the model wants one), or token ids. */
  prompt: string | number[];
  /** Maximum generated tokens. Defaults to the room left in the context. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

export interface GenerateBatchOptions {
  signal?: AbortSignal;
  /** Called as each request finishes (in completion order). */
  onResult?: (index: number, trace: Trace) => void;
}

/**
 * A GGUF model loaded in-process: implements the ChatModel port with reasoning/answer StreamParts, batches every
 * concurrent request into shared `llama_decode` calls, and exposes the tokenizer. Dispose with `await using` or
 * `dispose()`.
 */
export class LocalModel implements ChatModel, AsyncDisposable {
  readonly id: string;
  readonly info: ModelInfo;
  readonly template: ChatTemplate;
  private readonly native: NativeModel;
  private readonly scheduler: DecodeScheduler;
  private readonly releaseMemory: () => void;
  private disposed = false;

  constructor(
    native: NativeModel,
    scheduler: DecodeScheduler,
    template: ChatTemplate,
    id: string,
    release: () => void,
  ) {
    this.native = native;
    this.scheduler = scheduler;
    this.template = template;
    this.info = native.info;
    this.id = id;
    this.releaseMemory = release;
  }

  /** Context (prompt + generation) available to each request, in tokens. */
  get contextPerSequence(): number {
    return this.scheduler.contextPerSequence;
  }

  /** Sequences decoded together. */
  get slots(): number {
    return this.scheduler.slots;
  }

  tokenize(text: string, options: { addBos?: boolean; parseSpecial?: boolean } = {}): number[] {
    return this.native.tokenize(text, options);
  }

  detokenize(tokens: readonly number[]): string {
    return this.native.detokenize(tokens);
  }

  /** The exact prompt text a request renders to (chat template, thinking switch, history rule). */
  renderPrompt(
    request: Pick<ChatRequest, 'messages' | 'thinking'>,
    options: { keepHistoryThinking?: boolean } = {},
  ): string {
    const enableThinking = !this.template.supportsThinkingToggle || request.thinking?.enabled !== false;
    return this.template.render(request.messages, {
      enableThinking,
      keepHistoryThinking: options.keepHistoryThinking ?? false,
    });
  }

  stream(request: ChatRequest, options: LocalStreamOptions = {}): AsyncIterable<StreamPart> {
    const startedAt = performance.now();
    const req = validate(ChatRequestSchema, request, 'chat request');
    if (this.disposed)
      throw new InvalidInputError('model is disposed', { hint: 'load it again with loadModel' });
    const thinkingEnabled = !this.template.supportsThinkingToggle || req.thinking?.enabled !== false;
    const prompt = this.native.tokenize(this.renderPrompt(req, options));
    const room = this.scheduler.contextPerSequence - prompt.length;
    if (room < 2)
      throw new InvalidInputError(
        `prompt is ${prompt.length} tokens; the context holds ${this.scheduler.contextPerSequence}`,
        {
          hint: 'shorten the conversation (/clear) or load the model with a larger contextPerSequence',
        },
      );
    const queue = new PartQueue<StreamPart>();
    const generation = new Generation(
      this.native,
      {
        prompt,
        maxTokens: Math.min(req.maxTokens ?? room, room),
        sampler: new Sampler({
          temperature: req.temperature,
          topP: req.topP,
          topK: options.topK,
          seed: req.seed,
        }),
        stop: [...this.template.stop, ...(req.stop ?? [])],
        startInReasoning: this.template.startInReasoning,
        thinking: {
          enabled: thinkingEnabled,
          budgetTokens: req.thinking?.budgetTokens,
          minTokens: req.thinking?.minTokens,
          reserveAnswer: req.thinking?.reserveAnswer ?? false,
          wrapUp: options.wrapUp,
          answerReserve: options.answerReserve,
        },
        signal: options.signal,
        startedAt,
        ...(options.logprobs ? { onSample: this.logprobHook(options.logprobs) } : {}),
      },
      (part) => queue.push(part),
      (error) => (error === undefined ? queue.close() : queue.fail(error)),
    );
    options.control?.({ answerNow: () => generation.answerNow() });
    this.scheduler.submit(generation);
    return queue;
  }

  private logprobHook(request: LogprobRequest) {
    const k = Math.max(0, Math.min(20, Math.floor(request.topLogprobs)));
    return (token: number, logits: Float32Array, phase: 'reasoning' | 'text') => {
      const { logprob, top } = logprobsOf(logits, token, k);
      request.onToken({
        ...this.candidate(token, logprob),
        top: top.map((t) => this.candidate(t.token, t.logprob)),
        phase,
      });
    };
  }

  /** A token id with its text and bytes, as logprob entries report it. */
  candidate(token: number, logprob: number): Omit<TokenLogprob, 'top' | 'phase'> {
    const bytes = this.native.pieceBytes(token);
    return { token, text: Buffer.from(bytes).toString('utf8'), bytes: Array.from(bytes), logprob };
  }

  /** Token ids of a completion prompt: BOS when the model's tokenizer adds one, special tokens parsed. */
  tokenizePrompt(prompt: string | number[]): number[] {
    if (typeof prompt !== 'string') return prompt;
    return this.native.tokenize(prompt, { addBos: this.native.lib.vocabGetAddBos(this.native.vocab) });
  }

  /**
   * Continue `prompt` as plain text (base models, `distill chat --raw`, `/v1/completions`): no chat template and
   * no thinking control; streams `text-delta` parts and one `finish`.
   */
  complete(
    request: CompletionRequest,
    options: Omit<LocalStreamOptions, 'control'> = {},
  ): AsyncIterable<StreamPart> {
    const startedAt = performance.now();
    if (this.disposed)
      throw new InvalidInputError('model is disposed', { hint: 'load it again with loadModel' });
    const prompt = this.tokenizePrompt(request.prompt);
    if (prompt.length === 0)
      throw new InvalidInputError('the prompt is empty', { hint: 'give at least one token of text' });
    for (const t of prompt)
      if (!Number.isInteger(t) || t < 0 || t >= this.native.nVocab)
        throw new InvalidInputError(`token id ${t} is outside the vocabulary (0–${this.native.nVocab - 1})`);
    const room = this.scheduler.contextPerSequence - prompt.length;
    if (room < 1)
      throw new InvalidInputError(
        `prompt is ${prompt.length} tokens; the context holds ${this.scheduler.contextPerSequence}`,
        { hint: 'shorten the prompt or load the model with a larger contextPerSequence' },
      );
    const queue = new PartQueue<StreamPart>();
    const generation = new Generation(
      this.native,
      {
        prompt,
        maxTokens: Math.min(request.maxTokens ?? room, room),
        sampler: new Sampler({
          temperature: request.temperature,
          topP: request.topP,
          topK: options.topK,
          seed: request.seed,
        }),
        stop: request.stop ?? [],
        startInReasoning: false,
        thinking: { enabled: false },
        signal: options.signal,
        startedAt,
        ...(options.logprobs ? { onSample: this.logprobHook(options.logprobs) } : {}),
      },
      (part) => queue.push(part),
      (error) => (error === undefined ? queue.close() : queue.fail(error)),
    );
    this.scheduler.submit(generation);
    return queue;
  }

  /**
   * Teacher-forced scoring: for each sequence, every token's log-probability given the tokens before it, with
   * the `topK` most likely alternatives (position 0 has no prefix and is not scored). Sequences share decodes.
   */
  async score(sequences: number[][], options: { topK?: number } = {}): Promise<ScoredPosition[][]> {
    if (this.disposed)
      throw new InvalidInputError('model is disposed', { hint: 'load it again with loadModel' });
    return scoreSequences(this.native, sequences, {
      topK: options.topK ?? 0,
      threads: this.scheduler.threads,
    });
  }

  /** Generate one reply as a Trace. */
  async generate(request: ChatRequest, options: LocalStreamOptions = {}): Promise<Trace> {
    return foldTrace(this.stream(request, options));
  }

  /**
   * Generate many replies at once: all requests share decode calls (up to `slots` at a time), which is far faster
   * than one by one on small models. Results keep the order of `requests`.
   */
  async generateBatch(requests: ChatRequest[], options: GenerateBatchOptions = {}): Promise<Trace[]> {
    return Promise.all(
      requests.map(async (request, index) => {
        const trace = await this.generate(request, { signal: options.signal });
        options.onResult?.(index, trace);
        return trace;
      }),
    );
  }

  /** Stop running generations (they finish with `abort`) and free the model. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.scheduler.dispose();
    this.native.free();
    this.releaseMemory();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Load a GGUF for generation. A missing, damaged or non-GGUF file is a DistillError, never a crash. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LocalModel> {
  const native = NativeModel.load(path);
  let release: (() => void) | undefined;
  try {
    const template = selectTemplate(native.info, options.template, {
      hasToken: (text) => native.singleToken(text) !== undefined,
    });
    const slots = options.slots ?? 8;
    const perSeq = options.contextPerSequence ?? Math.min(native.info.contextLength || 4096, 4096);
    release = reserveMemory(native.info, slots * perSeq, options.memoryBudgetBytes);
    const scheduler = new DecodeScheduler(native, { ...options, slots, contextPerSequence: perSeq });
    return new LocalModel(native, scheduler, template, options.id ?? native.info.path, release);
  } catch (error) {
    release?.();
    native.free();
    throw error;
  }
}
