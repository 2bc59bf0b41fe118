import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';

export interface RowWindow {
  /** Rows to skip first. Defaults to 0. */
  offset?: number;
  /** Rows to read at most. Defaults to all. */
  count?: number;
  signal?: AbortSignal;
}

/** Stream the JSON values of a JSONL file with their 0-based row numbers (blank lines are skipped). */
export async function* readJsonlRows(
  path: string,
  window: RowWindow = {},
): AsyncGenerator<{ row: number; value: unknown }> {
  const offset = window.offset ?? 0;
  const end = window.count === undefined ? Number.POSITIVE_INFINITY : offset + window.count;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new NotFoundError('file', `Cannot read dataset file ${path}`, {
      cause: error,
      hint: 'check the path in the task spec (paths are relative to the current directory)',
    });
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let row = 0;
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      if (row >= end) break;
      if (window.signal?.aborted) throw new AbortedError('Reading the dataset was interrupted');
      if (row >= offset) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          throw new InvalidInputError(`${path} line ${lineNo} is not valid JSON`, {
            cause: error,
            hint: 'each line of a JSONL file must be one JSON object',
          });
        }
        yield { row, value };
      }
      row += 1;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
