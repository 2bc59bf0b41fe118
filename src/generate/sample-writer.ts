import type { Sample } from '../core/sample.ts';
import { type SampleInsertRow, sampleRow } from '../store/sample-queries.ts';
import type { Store } from '../store/store.ts';

export interface SampleWriterOptions {
  /**
   * Flush when this many samples are buffered. Defaults to 512: most of a commit's cost is per page written, and a
   * random-keyed index (the sample id) puts nearly every row on its own page, so larger batches share more pages.
   */
  batchSize?: number;
  /** Flush at least this often while samples are buffered, in ms. Defaults to 200. */
  intervalMs?: number;
  /** Called after each flush with the number of new rows. */
  onFlush?: (inserted: number) => void;
}

/**
 * Batches finished samples into one transaction each (idempotent inserts), so throughput does not pay one fsync
 * per sample and a crash loses at most one unflushed batch (those keys are simply requested again).
 */
export class SampleWriter {
  /** Rows serialised as samples arrive: the writer holds text, not object graphs, until the flush. */
  private buffer: SampleInsertRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  inserted = 0;

  constructor(
    private readonly store: Store,
    private readonly options: SampleWriterOptions = {},
  ) {}

  add(sample: Sample): void {
    // Built by the engine from replies validated as they arrived: the store need not validate them again.
    this.buffer.push(sampleRow(sample, { trusted: true }));
    if (this.buffer.length >= (this.options.batchSize ?? 512)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs ?? 200);
  }

  get pending(): number {
    return this.buffer.length;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const n = this.store.insertSampleRows(batch);
    this.inserted += n;
    this.options.onFlush?.(n);
  }
}
