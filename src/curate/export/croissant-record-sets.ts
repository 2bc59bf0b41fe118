import { z } from 'zod';
import type { ExportFormat, ExportStyle } from './records.ts';

const SourceSchema = z.object({
  fileObject: z.object({ '@id': z.string() }),
  /** Always a column: mlcroissant reads JSON Lines and Parquet into a table whose columns are the top-level keys. */
  extract: z.object({ column: z.string() }),
  /** A JSONPath applied to the column's value (to each element of a list), e.g. `role` of each message. */
  transform: z.object({ jsonPath: z.string() }).optional(),
});

const LeafFieldSchema = z.object({
  '@type': z.literal('cr:Field'),
  '@id': z.string(),
  name: z.string(),
  description: z.string(),
  dataType: z.string(),
  source: SourceSchema,
});

/** A leaf field, or a repeated field of leaves: `messages` is a list of `{role, content}` objects. */
export const FieldSchema = LeafFieldSchema.or(
  z.object({
    '@type': z.literal('cr:Field'),
    '@id': z.string(),
    name: z.string(),
    description: z.string(),
    repeated: z.literal(true),
    subField: z.array(LeafFieldSchema).min(1),
  }),
);
export type CroissantField = z.infer<typeof FieldSchema>;

export const RecordSetSchema = z.object({
  '@type': z.literal('cr:RecordSet'),
  '@id': z.string(),
  name: z.string(),
  description: z.string(),
  key: z.object({ '@id': z.string() }).optional(),
  field: z.array(FieldSchema).min(1),
});
export type CroissantRecordSet = z.infer<typeof RecordSetSchema>;

/** The provenance file every export writes beside the data (one record per row, same order). */
export const PROVENANCE_FILE = 'provenance/samples.jsonl';

type Leaf = z.infer<typeof LeafFieldSchema>;

function leaf(
  set: string,
  file: string,
  name: string,
  dataType: string,
  description: string,
  column: string,
  jsonPath?: string,
): Leaf {
  return {
    '@type': 'cr:Field',
    '@id': `${set}/${name}`,
    name: `${set}/${name}`,
    description,
    dataType,
    source: {
      fileObject: { '@id': file },
      extract: { column },
      ...(jsonPath ? { transform: { jsonPath } } : {}),
    },
  };
}

/**
 * The `train` record set: one record per row of the data file, with `messages` (a repeated field of
 * role/content) or `prompt`/`completion`, plus the Parquet file's provenance columns.
 */
export function trainRecordSet(
  format: ExportFormat,
  style: ExportStyle,
  dataFile: string,
): CroissantRecordSet {
  const f = (name: string, dataType: string, description: string, column = name, jsonPath?: string) =>
    leaf('train', dataFile, name, dataType, description, column, jsonPath);
  const main: CroissantField[] =
    style === 'messages'
      ? [
          {
            '@type': 'cr:Field',
            '@id': 'train/messages',
            name: 'train/messages',
            description:
              'The conversation: a user turn with the prompt, then an assistant turn whose content is "<think>\\n{reasoning}\\n</think>\\n\\n{answer}".',
            repeated: true,
            subField: [
              f('messages/role', 'sc:Text', 'Speaker of the turn: user or assistant.', 'messages', 'role'),
              f('messages/content', 'sc:Text', 'Text of the turn.', 'messages', 'content'),
            ],
          },
        ]
      : [
          f('prompt', 'sc:Text', 'The problem given to the teacher.'),
          f(
            'completion',
            'sc:Text',
            'The teacher\'s reply: "<think>\\n{reasoning}\\n</think>\\n\\n{answer}".',
          ),
        ];
  const parquetColumns: CroissantField[] =
    format === 'parquet'
      ? [
          f('teacher', 'sc:Text', 'Teacher that wrote the row, as provider:model.'),
          f('source_dataset', 'sc:Text', 'Dataset the prompt came from.'),
          f(
            'train_policy',
            'sc:Text',
            "The teacher's terms on training: allowed, constrained or notAllowed.",
          ),
          f('correct', 'sc:Boolean', 'Whether the answer matched the gold answer (empty when not verified).'),
          f(
            'provenance',
            'sc:Text',
            `The row's full provenance record, as a JSON string (as in ${PROVENANCE_FILE}).`,
          ),
        ]
      : [];
  return {
    '@type': 'cr:RecordSet',
    '@id': 'train',
    name: 'train',
    description: `Training rows of ${dataFile}, in file order.`,
    ...(format === 'parquet' ? { key: { '@id': 'train/id' } } : {}),
    field: [
      ...(format === 'parquet'
        ? [f('id', 'sc:Text', 'Sample id (same as sample_id in the provenance).')]
        : []),
      ...main,
      ...parquetColumns,
    ],
  };
}

/** The `provenance` record set: one record per row of `provenance/samples.jsonl` (same order as the data). */
export function provenanceRecordSet(): CroissantRecordSet {
  const f = (name: string, dataType: string, description: string, column: string, jsonPath?: string) =>
    leaf('provenance', PROVENANCE_FILE, name, dataType, description, column, jsonPath);
  return {
    '@type': 'cr:RecordSet',
    '@id': 'provenance',
    name: 'provenance',
    description: `Per-row provenance from ${PROVENANCE_FILE}, in the same order as the training rows.`,
    key: { '@id': 'provenance/sample_id' },
    field: [
      f('sample_id', 'sc:Text', 'Sample id.', 'sample_id'),
      f('content_sha256', 'sc:Text', 'SHA-256 of the prompt, reasoning and answer.', 'content_sha256'),
      f('source_dataset', 'sc:Text', 'Dataset the prompt came from.', 'prompt', 'source_dataset'),
      f('record_id', 'sc:Text', 'Id of the prompt in its dataset.', 'prompt', 'record_id'),
      f('teacher_provider', 'sc:Text', 'Provider of the teacher.', 'teacher', 'provider'),
      f('teacher_model', 'sc:Text', 'Model id of the teacher.', 'teacher', 'model_id'),
      f('terms_url', 'sc:Text', "URL of the teacher's terms.", 'terms', 'url'),
      f('terms_sha256', 'sc:Text', 'SHA-256 of the terms snapshot.', 'terms', 'snapshot_sha256'),
      f('train_policy', 'sc:Text', 'allowed, constrained or notAllowed.', 'use_policy', 'train'),
      f('finish_reason', 'sc:Text', "Why the teacher's reply ended.", 'output', 'finish_reason'),
    ],
  };
}
