import { availableParallelism } from 'node:os';
import { DistillError } from '../core/errors/distill-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import type { Sample } from '../core/sample.ts';
import type { SampleBatch } from '../store/sample-batch.ts';
import { type SampleInsertRow, sampleRow } from '../store/sample-queries.ts';
import type { Store } from '../store/store.ts';
import { openWriteChannel, startWriteThread, type WriteChannel } from '../store/write-thread.ts';

export interface SampleWriterOptions {
  /**
   * Flush when this many samples are buffered. Defaults to 512: most of a commit's cost is per page written, and a
   * random-keyed index (the sample id) puts nearly every row on its own page, so larger batches share more pages.
   */
  batchSize?: number;
  /** Flush at least this often while samples are buffered, in ms. Defaults to 200. */
  intervalMs?: number;
  /** Called after each batch is committed with the number of new rows. */
  onFlush?: (inserted: number) => void;
  /** A run whose summary keys are computed at each flush and written in the batch's transaction. Defaults to none. */
  run?: { id: string; summary: () => Record<string, unknown> };
  /**
   * Commit batches on the process-wide write thread (its own connection to the store's file), so that the
   * inserts, the commit and the WAL checkpoints run beside the caller's thread. `auto` uses it when
   * `expectedSamples` is at least two batches, the store is a file and the machine has a second core. Defaults to
   * `auto`.
   */
  thread?: boolean | 'auto';
  /** How many samples the caller expects to add (for `thread: 'auto'`). Defaults to unknown (in process). */
  expectedSamples?: number;
  /** Batches sent to the write thread and not yet committed before {@link SampleWriter.congested}. Defaults to 4. */
  maxBatchesInTransit?: number;
}

/** Rows per batch once the writer is {@link SampleWriter.finishing} (the engine's last replies). */
const ENDING_BATCH = 64;

/**
 * Whether a writer with these options on this store commits on the write thread. `auto` needs a second core and a
 * few batches (its first start costs ~0.6 s here: tsx and the store's modules, once per process). On 2 cores, with
 * the teacher's HTTP on its own thread too, it trades CPU for wall-clock: bench/generate, ten runs, on vs off, 0.775
 * vs 0.74 of the bare loop's rate, 0.69 vs 0.74 per CPU-second (medians; ADR 0014).
 */
export function usesWriteThread(
  store: Store,
  options: SampleWriterOptions,
  cores: number = availableParallelism(),
): boolean {
  const thread = options.thread ?? 'auto';
  if (thread !== 'auto') return thread;
  const batchSize = options.batchSize ?? 512;
  return store.path !== ':memory:' && cores >= 2 && (options.expectedSamples ?? 0) >= 2 * batchSize;
}

/**
 * Batches finished samples into one transaction each (idempotent inserts, plus the run summary), so throughput does
 * not pay one fsync per sample and a crash loses at most the batches not yet committed (those keys are simply
 * requested again). In process, a flush commits before it returns; on the write thread, a flush posts the batch
 * and {@link drain} waits for every commit.
 */
export class SampleWriter {
  /** Whether batches are committed on the write thread. */
  readonly threaded: boolean;
  /** Rows that were new, over the committed batches. */
  inserted = 0;
  /** Rows serialised as samples arrive: the writer holds text, not object graphs, until the flush. */
  private buffer: SampleInsertRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private channel: WriteChannel | undefined;
  private transitBatches = 0;
  private transitRows = 0;
  private failure: DistillError | undefined;
  /** Set by {@link finishing}. */
  private ending = false;
  /** Woken whenever a batch in transit settles. */
  private waiters: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly options: SampleWriterOptions = {},
  ) {
    this.threaded = usesWriteThread(store, options);
    // Started now (once per process), while the first requests are out; the store is opened there at the first
    // flush, so a writer that never flushes holds no connection.
    if (this.threaded) startWriteThread(store);
  }

  /**
   * No sample beyond those in flight will be added: flush what is buffered now, and from here on flush every
   * {@link ENDING_BATCH} samples, so that the commit left after the last reply is a short one.
   */
  finishing(): void {
    this.ending = true;
    this.flush();
  }

  add(sample: Sample): void {
    // Built by the engine from replies validated as they arrived: the store need not validate them again.
    this.buffer.push(sampleRow(sample, { trusted: true }));
    if (this.buffer.length >= (this.ending ? ENDING_BATCH : (this.options.batchSize ?? 512))) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs ?? 200);
  }

  /** Samples added and not committed yet: buffered, or sent to the write thread. */
  get pending(): number {
    return this.buffer.length + this.transitRows;
  }

  /** Batches sent to the write thread and not committed yet. */
  get inTransit(): number {
    return this.transitBatches;
  }

  /** True while as many batches as allowed are in transit (a caller should wait for {@link writable}). */
  get congested(): boolean {
    return this.failure === undefined && this.transitBatches >= (this.options.maxBatchesInTransit ?? 4);
  }

  /** The first write error on the thread, if any (the caller should stop producing; {@link drain} rejects). */
  get failed(): DistillError | undefined {
    return this.failure;
  }

  /** Resolves once the writer is not {@link congested} (or has failed). */
  async writable(): Promise<void> {
    while (this.congested) await this.settled();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const batch: SampleBatch = this.options.run
      ? { rows, run: { id: this.options.run.id, summary: this.options.run.summary() } }
      : { rows };
    if (!this.threaded) {
      this.committed(this.store.writeSampleBatch(batch));
      return;
    }
    const channel = this.channel ?? this.openChannel();
    this.transitBatches += 1;
    this.transitRows += rows.length;
    channel.write(batch).then(
      (inserted) => {
        this.landed(rows.length);
        this.committed(inserted);
      },
      (error: unknown) => {
        this.landed(rows.length);
        this.fail(error);
      },
    );
  }

  /**
   * Flush, then wait until every batch is committed and release the write thread's connection. Rejects with the
   * first write error (a StoreError, or a NotFoundError for a run that is gone), after the rest have settled.
   */
  async drain(): Promise<void> {
    this.flush();
    const channel = this.channel;
    if (channel) {
      this.channel = undefined;
      // Sent now, behind the batches in transit: the thread commits them first, then releases the connection.
      const closed = channel.close().catch((error: unknown) => this.fail(error));
      while (this.transitBatches > 0) await this.settled();
      await closed;
    }
    if (this.failure) throw this.failure;
  }

  private openChannel(): WriteChannel {
    const channel = openWriteChannel(this.store);
    channel.opened.catch((error: unknown) => this.fail(error));
    this.channel = channel;
    return channel;
  }

  private committed(inserted: number): void {
    this.inserted += inserted;
    this.options.onFlush?.(inserted);
  }

  private landed(rows: number): void {
    this.transitBatches -= 1;
    this.transitRows -= rows;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private fail(error: unknown): void {
    this.failure ??= DistillError.isInstance(error)
      ? error
      : new StoreError(`Writing samples failed: ${String(error)}`, { cause: error });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
