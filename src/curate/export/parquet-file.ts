import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Sample } from '../../core/sample.ts';
import { type ExportStyle, provenanceRecord, trainingRecord } from './records.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

const str = (name: string, optional = false): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
});

/**
 * Collects exported rows and writes them as one Parquet file (Snappy). `messages` becomes a
 * `list<struct<role, content>>` column, as Hugging Face chat datasets use; provenance is a JSON string column.
 */
export class ParquetRows {
  private readonly columns: Record<string, unknown[]> = {
    id: [],
    main: [],
    completion: [],
    teacher: [],
    source_dataset: [],
    train_policy: [],
    correct: [],
    provenance: [],
  };

  constructor(private readonly style: ExportStyle) {}

  add(sample: Sample): void {
    const rec = trainingRecord(sample, this.style);
    const c = this.columns;
    c.id!.push(sample.id);
    if ('messages' in rec) c.main!.push(rec.messages);
    else {
      c.main!.push(rec.prompt);
      c.completion!.push(rec.completion);
    }
    c.teacher!.push(`${sample.provenance.teacher.provider}:${sample.provenance.teacher.modelId}`);
    c.source_dataset!.push(sample.provenance.prompt.sourceDataset);
    c.train_policy!.push(sample.provenance.usePolicy.train);
    c.correct!.push(sample.verdict ? sample.verdict.correct : null);
    c.provenance!.push(JSON.stringify(provenanceRecord(sample)));
  }

  /** Write the file; returns its bytes. */
  write(file: string): Uint8Array {
    const c = this.columns;
    const messages = this.style === 'messages';
    const head: SchemaElement[] = messages
      ? [
          { name: 'messages', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
          str('role'),
          str('content'),
        ]
      : [str('prompt'), str('completion')];
    const tail: SchemaElement[] = [
      str('teacher'),
      str('source_dataset'),
      str('train_policy'),
      { name: 'correct', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      str('provenance'),
    ];
    const columnData = [
      { name: 'id', data: c.id! },
      ...(messages
        ? [{ name: 'messages', data: c.main! }]
        : [
            { name: 'prompt', data: c.main! },
            { name: 'completion', data: c.completion! },
          ]),
      { name: 'teacher', data: c.teacher! },
      { name: 'source_dataset', data: c.source_dataset! },
      { name: 'train_policy', data: c.train_policy! },
      { name: 'correct', data: c.correct! },
      { name: 'provenance', data: c.provenance! },
    ];
    const schema: SchemaElement[] = [
      { name: 'root', num_children: columnData.length },
      str('id'),
      ...head,
      ...tail,
    ];
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData,
        schema,
        createdBy: 'distill',
        kvMetadata: [{ key: 'distill.style', value: this.style }],
      }),
    );
    writeFileSync(file, bytes);
    return bytes;
  }
}
