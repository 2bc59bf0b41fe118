import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { ModelError } from '../core/errors/model-error.ts';
import { Tokenizer } from '../runtime/tokenizer.ts';
import {
  type ThinkingFormat,
  type TrainingTemplate,
  trainingTemplate,
} from '../runtime/training-template.ts';
import type { TrainingRow } from './training-rows.ts';

export interface TokenizeDatasetOptions {
  /** GGUF whose tokenizer is used (vocab-only load). */
  model: string;
  rows: AsyncIterable<TrainingRow> | Iterable<TrainingRow>;
  /** Output folder (replaced atomically). */
  outDir: string;
  /** Train on thinking + answer; with false, on the answer after an empty thinking block. Defaults to true. */
  withThinking?: boolean;
  /**
   * Longest example kept, in tokens (the packed row width). Longer examples are dropped and counted in `dropped`
   * (as axolotl does); when every example is longer, the call fails. Defaults to no limit.
   */
  maxTokensPerExample?: number;
  /** Called every 1000 rows with the count so far. Defaults to no-op. */
  onProgress?: (rows: number) => void;
  signal?: AbortSignal;
}

export interface TokenizedDataset {
  dir: string;
  docs: number;
  tokens: number;
  /** Tokens with loss (the completion). */
  lossTokens: number;
  maxDocTokens: number;
  /** sha256 of the token and mask bytes: the worker checks it when resuming. */
  sha256: string;
  /** Examples longer than `maxTokensPerExample`, left out. */
  dropped: DroppedExamples;
  /** The chat format the rows were rendered with: `distill-student-v1`, `gguf` (the model's Jinja) or a built-in. */
  templateId: string;
  /** How the thinking is written in the assistant turn (see {@link ThinkingFormat}). */
  thinkingFormat: ThinkingFormat;
}

export interface DroppedExamples {
  count: number;
  /** Tokens of the longest one (0 when none). */
  longestTokens: number;
  /** 1-based positions (in reading order) of the first few, to find them in the data. */
  firstRows: number[];
}

class Sink {
  private readonly stream: WriteStream;
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(path: string) {
    this.stream = createWriteStream(path);
  }
  async push(buf: Buffer): Promise<void> {
    this.chunks.push(buf);
    this.size += buf.length;
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function loadTokenizer(path: string): Tokenizer {
  try {
    return Tokenizer.load(path);
  } catch (cause) {
    throw new ModelError(`cannot load the tokenizer of ${path}`, { cause, hint: 'pass a valid GGUF model' });
  }
}

/**
 * Render each row with the model's own chat template (Distill's student format for Distill students, else the
 * GGUF's Jinja template, as the runtime renders prompts; see `trainingTemplate`), tokenise it with the GGUF's own
 * tokenizer (the runtime's llama.cpp, vocabulary only, special tokens parsed, no BOS added: the template writes it)
 * and write the worker's dataset folder: `tokens.bin` (int32), `mask.bin` (uint8, 1 on the assistant turn's
 * tokens, which end with an end-of-generation token), `offsets.bin` (int64) and `meta.json`.
 */
export async function tokenizeDataset(options: TokenizeDatasetOptions): Promise<TokenizedDataset> {
  const model = loadTokenizer(options.model);
  let template: TrainingTemplate;
  try {
    template = trainingTemplate(model.info, { hasToken: (text) => model.singleToken(text) !== undefined });
  } catch (error) {
    model.free();
    throw error;
  }
  const tmp = `${options.outDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const tokens = new Sink(join(tmp, 'tokens.bin'));
  const mask = new Sink(join(tmp, 'mask.bin'));
  const offsets = new Sink(join(tmp, 'offsets.bin'));
  const hash = createHash('sha256');
  const eosId = model.info.metadata['tokenizer.ggml.eos_token_id'];
  let docs = 0;
  let total = 0;
  let lossTokens = 0;
  let maxDocTokens = 0;
  let position = 0;
  const dropped: DroppedExamples = { count: 0, longestTokens: 0, firstRows: [] };
  const limit = options.maxTokensPerExample ?? Number.POSITIVE_INFINITY;
  const off = Buffer.alloc(8);
  off.writeBigInt64LE(0n);
  await offsets.push(Buffer.from(off));
  try {
    for await (const row of options.rows) {
      if (options.signal?.aborted) throw new AbortedError('tokenising training data was interrupted');
      const ex = template.render(row.prompt, row.reasoning, row.answer, options.withThinking ?? true);
      const p = model.tokenize(ex.prompt);
      const c = model.tokenize(ex.completion);
      // The turn must end the generation (templates that close turns with EOS text already do).
      const last = c[c.length - 1];
      if (!template.student && (last === undefined || !model.isEndOfGeneration(last)) && eosId !== undefined)
        c.push(Number(eosId));
      const n = p.length + c.length;
      position += 1;
      if (n > limit) {
        dropped.count += 1;
        dropped.longestTokens = Math.max(dropped.longestTokens, n);
        if (dropped.firstRows.length < 5) dropped.firstRows.push(position);
        continue;
      }
      const t = Buffer.alloc(n * 4);
      const m = Buffer.alloc(n);
      const ids = Int32Array.from([...p, ...c]);
      Buffer.from(ids.buffer).copy(t);
      m.fill(1, p.length);
      hash.update(t);
      hash.update(m);
      await tokens.push(t);
      await mask.push(m);
      total += n;
      lossTokens += c.length;
      maxDocTokens = Math.max(maxDocTokens, n);
      docs += 1;
      off.writeBigInt64LE(BigInt(total));
      await offsets.push(Buffer.from(off));
      if (docs % 1000 === 0) options.onProgress?.(docs);
    }
    await Promise.all([tokens.close(), mask.close(), offsets.close()]);
    if (docs === 0 && dropped.count > 0)
      throw new InvalidInputError(
        `every training example is longer than a training row of ${limit} tokens (${dropped.count} example(s), the longest ${dropped.longestTokens} tokens); nothing left to train on`,
        { hint: 'raise --seq-len, or shorten the examples', field: 'data' },
      );
    if (docs === 0) throw new InvalidInputError('the training data has no rows', { field: 'data' });
    const sha256 = hash.digest('hex');
    await writeFile(
      join(tmp, 'meta.json'),
      JSON.stringify({ version: 1, nDocs: docs, nTokens: total, lossTokens, maxDocTokens, sha256 }),
    );
    await rm(options.outDir, { recursive: true, force: true });
    await rename(tmp, options.outDir);
    options.onProgress?.(docs);
    return {
      dir: options.outDir,
      docs,
      tokens: total,
      lossTokens,
      maxDocTokens,
      sha256,
      dropped,
      templateId: template.id,
      thinkingFormat: template.thinkingFormat,
    };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    model.free();
  }
}
