import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { splitAssistantThinking } from '../core/chat-format.ts';
import { AbortedError } from '../core/errors/aborted-error.ts';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';

/** One SFT example: the user prompt, the teacher's thinking, and the final answer. */
export interface TrainingRow {
  prompt: string;
  reasoning: string;
  answer: string;
}

const MessageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  reasoning: z.string().optional(),
});

/** A chat-format JSONL row as written by `distill tasks export` and curated exports. */
export const ChatRowSchema = z.looseObject({ messages: z.array(MessageSchema).min(2) });

/** The files a `--data` argument names: a `.jsonl` file, or every `*.jsonl` in a folder (sorted). */
export async function resolveDataFiles(data: string): Promise<string[]> {
  const info = await stat(data).catch(() => undefined);
  if (!info)
    throw new NotFoundError('data', `no such file or folder: ${data}`, {
      hint: 'pass --data FILE.jsonl or a folder of *.jsonl',
    });
  if (info.isFile()) return [data];
  const files = (await readdir(data)).filter((f) => f.endsWith('.jsonl')).sort();
  if (files.length === 0)
    throw new InvalidInputError(`no *.jsonl files in ${data}`, {
      hint: 'point --data at a curated export folder or a JSONL file',
      field: 'data',
    });
  return files.map((f) => join(data, f));
}

/** Turn one parsed chat row into a training row (last user turn + last assistant turn). */
export function chatRowToTrainingRow(value: unknown, where: string): TrainingRow {
  const parsed = ChatRowSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError(`${where}: not a chat-format row ({"messages":[user, assistant]})`, {
      hint: 'export training data with distill tasks export or the curation export',
      field: 'data',
    });
  const msgs = parsed.data.messages;
  const assistant = msgs.findLast((m) => m.role === 'assistant');
  const user = msgs.findLast((m) => m.role === 'user');
  if (!assistant || !user)
    throw new InvalidInputError(`${where}: needs a user and an assistant message`, { field: 'data' });
  const split =
    assistant.reasoning !== undefined
      ? { reasoning: assistant.reasoning, answer: assistant.content }
      : splitAssistantThinking(assistant.content);
  return { prompt: user.content, reasoning: split.reasoning, answer: split.answer };
}

/** Stream training rows from chat-format JSONL files (blank lines skipped; a bad line is an input error). */
export async function* readTrainingRows(files: string[], signal?: AbortSignal): AsyncGenerator<TrainingRow> {
  for (const file of files) {
    const lines = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let n = 0;
    for await (const line of lines) {
      n += 1;
      if (signal?.aborted) throw new AbortedError('reading training data was interrupted');
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new InvalidInputError(`${file}:${n}: invalid JSON`, { field: 'data' });
      }
      yield chatRowToTrainingRow(value, `${file}:${n}`);
    }
  }
}
