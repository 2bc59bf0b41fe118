import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatAssistantWithThinking } from '../core/chat-format.ts';
import type { ChatMessage } from '../core/chat-model.ts';
import type { Problem, ProblemSource } from '../core/problem.ts';
import { loadProblems } from './load.ts';
import type { TaskSpec } from './spec-schema.ts';

/** One chat-format training row, the shape `tasks export` and curated exports share. */
export interface ChatTrainingRow {
  messages: [ChatMessage, ChatMessage];
  id: string;
  source: ProblemSource;
  gold?: string;
}

/** The row for a problem with reference reasoning, or undefined when it has none. */
export function toChatTrainingRow(problem: Problem): ChatTrainingRow | undefined {
  if (!problem.reference) return undefined;
  return {
    messages: [
      { role: 'user', content: problem.prompt },
      {
        role: 'assistant',
        content: formatAssistantWithThinking(problem.reference.reasoning, problem.reference.answer),
      },
    ],
    id: problem.id,
    source: problem.source,
    ...(problem.gold !== undefined ? { gold: problem.gold } : {}),
  };
}

export interface ExportOptions {
  /** Seed for built-in entries without `seed=`. Defaults to 0. */
  seed?: number;
  signal?: AbortSignal;
  /** Called every `progressEvery` problems and at the end. */
  onProgress?: (done: number) => void;
  /** Defaults to 1000. */
  progressEvery?: number;
}

export interface ExportResult {
  path: string;
  rows: number;
  /** Problems without reference reasoning (some dataset rows), not written. */
  skipped: number;
  bytes: number;
}

/** Buffered bytes before a write to the file. */
const FLUSH_AT = 1 << 16;

/**
 * Write the problems of a spec with their reference reasoning as chat-format JSONL training rows
 * (`{"messages":[user, assistant "<think>\n…\n</think>\n\nanswer"], "id", "source", "gold"}`).
 * Streams, and writes atomically: a temp file renamed into place, removed on failure or abort.
 */
export async function exportTrainingJsonl(
  spec: string | TaskSpec | readonly unknown[],
  outPath: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  await mkdir(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.tmp-${process.pid}-${Date.now()}`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const every = options.progressEvery ?? 1000;
  let rows = 0;
  let skipped = 0;
  let bytes = 0;
  let buffer = '';
  let streamError: unknown;
  out.on('error', (error) => {
    streamError = error;
  });
  const flush = async (): Promise<void> => {
    if (streamError) throw streamError;
    if (buffer === '') return;
    bytes += Buffer.byteLength(buffer);
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await once(out, 'drain');
  };
  try {
    let done = 0;
    const loadOptions = {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      signal: options.signal,
    };
    for await (const problem of loadProblems(spec, loadOptions)) {
      const row = toChatTrainingRow(problem);
      if (row) {
        buffer += `${JSON.stringify(row)}\n`;
        rows += 1;
      } else skipped += 1;
      if (buffer.length >= FLUSH_AT) await flush();
      if (++done % every === 0) options.onProgress?.(done);
    }
    await flush();
    out.end();
    await once(out, 'finish');
    await rename(tmp, outPath);
    options.onProgress?.(done);
    return { path: outPath, rows, skipped, bytes };
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
