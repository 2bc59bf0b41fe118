import { z } from 'zod';
import { SHIPPED_DATASET_NAMES } from './datasets/shipped.ts';

/** Which row fields hold what. Unset fields are auto-detected (see `datasets/row-to-problem.ts`). */
export const FieldMappingSchema = z.object({
  prompt: z.string().min(1).optional(),
  gold: z.string().min(1).optional(),
  reasoning: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
});
export type FieldMapping = z.infer<typeof FieldMappingSchema>;

const count = z.number().int().min(1).max(100_000_000);

/** `add:2000:train:level=2:seed=3` — problems from a built-in family. */
export const BuiltinEntrySchema = z.object({
  kind: z.literal('builtin'),
  family: z.string().min(1),
  count,
  split: z.enum(['train', 'eval']),
  level: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
  unique: z.boolean().optional(),
});

/** `builtin-eval[:N]` — N eval problems (default 20) for every family × level: the standard built-in eval set. */
export const BuiltinEvalEntrySchema = z.object({
  kind: z.literal('builtin-eval'),
  perLevel: count.default(20),
  seed: z.number().int().optional(),
});

/** `gsm8k[:N]` / `math500[:N]` / `humaneval[:N]` — the shipped slices, or `file=PATH` for a full copy in the same format. */
export const ShippedEntrySchema = z.object({
  kind: z.literal('shipped'),
  dataset: z.enum(SHIPPED_DATASET_NAMES),
  count: count.optional(),
  offset: z.number().int().min(0).optional(),
  file: z.string().min(1).optional(),
});

/** `jsonl:PATH[:N][:prompt=F][:gold=F][:reasoning=F][:id=F][:offset=K][:name=NAME]`, same for `parquet:`. */
export const FileEntrySchema = z.object({
  kind: z.literal('file'),
  format: z.enum(['jsonl', 'parquet']),
  path: z.string().min(1),
  count: count.optional(),
  offset: z.number().int().min(0).optional(),
  /** Dataset name recorded in each problem's source. Defaults to the file name without extension. */
  name: z.string().min(1).optional(),
  fields: FieldMappingSchema.default({}),
});

export const TaskSpecEntrySchema = z.discriminatedUnion('kind', [
  BuiltinEntrySchema,
  BuiltinEvalEntrySchema,
  ShippedEntrySchema,
  FileEntrySchema,
]);
export type TaskSpecEntry = z.infer<typeof TaskSpecEntrySchema>;
export type TaskSpecEntryInput = z.input<typeof TaskSpecEntrySchema>;
export type BuiltinEntry = z.infer<typeof BuiltinEntrySchema>;
export type ShippedEntry = z.infer<typeof ShippedEntrySchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;

/** A parsed task spec: the entries in order. */
export interface TaskSpec {
  entries: TaskSpecEntry[];
}
