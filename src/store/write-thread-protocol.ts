import { z } from 'zod';
import { DistillError } from '../core/errors/distill-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import { toWireError, type WireError, WireErrorSchema } from '../core/errors/wire-error.ts';
import { FilterResultSchema } from '../core/sample.ts';
import type { SampleInsertRow } from './sample-queries.ts';

const FilterRowSchema = FilterResultSchema.extend({ sampleId: z.string() });

/**
 * A row made by `sampleRow`: the column values and its filter results. The values are checked for their shape only
 * (an array): SQLite's binding refuses a value it cannot store, and checking each of 512 rows × 14 values measured
 * 5–10 µs a row on the thread. Filter results, when a row has any, are checked in full.
 */
const SampleInsertRowSchema = z.custom<SampleInsertRow>(
  (row) =>
    typeof row === 'object' &&
    row !== null &&
    Array.isArray((row as SampleInsertRow).params) &&
    Array.isArray((row as SampleInsertRow).filters) &&
    ((row as SampleInsertRow).filters.length === 0 ||
      z.array(FilterRowSchema).safeParse((row as SampleInsertRow).filters).success),
  { message: 'expected a sample row ({ params: [...], filters: [...] })' },
);

const requestId = z.number().int();
const writerId = z.number().int();

/** What the main thread asks of the write thread; every request gets exactly one reply with its `id`. */
export const WriteThreadRequestSchema = z.discriminatedUnion('op', [
  /** Open (or share) the thread's connection to `path` for `writer`, with the store's connection options. */
  z.object({
    op: z.literal('open'),
    id: requestId,
    writer: writerId,
    path: z.string().min(1),
    options: z.object({
      durability: z.enum(['normal', 'full']).optional(),
      busyTimeoutMs: z.number().min(0).optional(),
      migrationsDir: z.string().optional(),
    }),
  }),
  /** One batch in one transaction: the rows, and the run summary keys to set with them. */
  z.object({
    op: z.literal('write'),
    id: requestId,
    writer: writerId,
    rows: z.array(SampleInsertRowSchema),
    run: z.object({ id: z.string(), summary: z.record(z.string(), z.unknown()) }).optional(),
  }),
  /** The writer is done: the last writer of a file closes the connection (which checkpoints the WAL). */
  z.object({ op: z.literal('close'), id: requestId, writer: writerId }),
]);
export type WriteThreadRequest = z.infer<typeof WriteThreadRequestSchema>;

/** What the write thread answers: once `ready`, then one `ok` (rows inserted) or `error` per request. */
export const WriteThreadReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('ok'), id: requestId, inserted: z.number().int().min(0) }),
  z.object({ type: z.literal('error'), id: requestId, error: WireErrorSchema }),
]);
export type WriteThreadReply = z.infer<typeof WriteThreadReplySchema>;

/** A hint for a raw SQLite failure (disk full, read-only file, I/O error), by its code. */
function sqliteHint(code: string): string {
  if (code.startsWith('SQLITE_FULL')) return 'free disk space, then re-run the same command to resume';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM'))
    return "check the store file's and its folder's permissions, then re-run to resume";
  return 'check the disk and the store file, then re-run the same command to resume';
}

/**
 * Flatten an error thrown in the write thread. DistillErrors keep their class and fields; any other error (a raw
 * SQLite one: disk full, I/O) becomes a StoreError naming the file and SQLite's code.
 */
export function serializeError(error: unknown, path: string | undefined): WireError {
  if (DistillError.isInstance(error)) return toWireError(error);
  const code = (error as { code?: unknown }).code;
  const sqlite = typeof code === 'string' ? code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return toWireError(
    new StoreError(
      `Writing samples to ${path ?? 'the store'} failed: ${message}${sqlite ? ` (${sqlite})` : ''}`,
      {
        hint: sqliteHint(sqlite ?? ''),
      },
    ),
  );
}
