import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { AbortedError } from '../../core/errors/aborted-error.ts';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { RowWindow } from './jsonl-rows.ts';

/** Rows decoded per read, so big files stream instead of loading whole. */
const CHUNK_ROWS = 1024;

/** Stream the rows of a Parquet file as objects with their 0-based row numbers (read with hyparquet). */
export async function* readParquetRows(
  path: string,
  window: RowWindow = {},
): AsyncGenerator<{ row: number; value: unknown }> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    file = await asyncBufferFromFile(path);
  } catch (error) {
    throw new NotFoundError('file', `Cannot read dataset file ${path}`, {
      cause: error,
      hint: 'check the path in the task spec (paths are relative to the current directory)',
    });
  }
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InvalidInputError(`${path} is not a readable Parquet file`, { cause: error });
  }
  const total = Number(metadata.num_rows);
  const start = window.offset ?? 0;
  const end = Math.min(total, window.count === undefined ? total : start + window.count);
  for (let rowStart = start; rowStart < end; rowStart += CHUNK_ROWS) {
    if (window.signal?.aborted) throw new AbortedError('Reading the dataset was interrupted');
    const rowEnd = Math.min(end, rowStart + CHUNK_ROWS);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) yield { row: rowStart + i, value: rows[i] };
  }
}
