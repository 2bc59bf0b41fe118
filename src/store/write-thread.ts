import { Worker } from 'node:worker_threads';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { StoreError } from '../core/errors/store-error.ts';
import { fromWireError } from '../core/errors/wire-error.ts';
import { tsWorkerUrl } from '../core/ts-worker.ts';
import { safeValidate } from '../core/validate.ts';
import type { SampleBatch } from './sample-batch.ts';
import type { Store } from './store.ts';
import { WriteThreadReplySchema, type WriteThreadRequest } from './write-thread-protocol.ts';

/** The worker is TypeScript (started through tsx). */
const bootstrap = tsWorkerUrl(new URL('./write-thread-worker.ts', import.meta.url));

/** A request as this side builds it (the thread validates it against `WriteThreadRequestSchema`). */
type Request =
  | Omit<Extract<WriteThreadRequest, { op: 'open' }>, 'id'>
  | { op: 'write'; writer: number; rows: SampleBatch['rows']; run?: SampleBatch['run'] }
  | Omit<Extract<WriteThreadRequest, { op: 'close' }>, 'id'>;

/**
 * The process-wide write thread: one worker, started on first use and reused by every writer after (starting one
 * costs tsx and the store's modules, more than a run of a few thousand samples saves). It holds the process
 * alive only while a request is unanswered, so a finished command exits.
 */
class WriteThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private stopped = false;

  constructor() {
    this.worker = new Worker(bootstrap, { name: 'distill-sample-writes' });
    this.worker.on('message', (message: unknown) => this.reply(message));
    this.worker.on('error', (error) =>
      this.stop(
        new StoreError(`The sample write thread failed: ${error.message}`, {
          cause: error,
          hint: 'samples already committed are kept; re-run the same command to resume',
        }),
      ),
    );
    this.worker.on('exit', (code) =>
      this.stop(
        new StoreError(`The sample write thread exited (code ${code})`, {
          hint: 'samples already committed are kept; re-run the same command to resume',
        }),
      ),
    );
    // After the listeners: adding a 'message' listener refs the worker's port again, and a writer that never
    // flushes (a resumed run with nothing left) would keep the process alive.
    this.worker.unref();
  }

  /** Send one request; resolves with the rows it inserted, rejects with its error rebuilt on this thread. */
  send(request: Request): Promise<number> {
    if (this.stopped) return Promise.reject(new StoreError('The sample write thread has stopped'));
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private reply(message: unknown): void {
    const parsed = safeValidate(WriteThreadReplySchema, message, 'write thread reply');
    if (!parsed.success) {
      this.stop(new StoreError(parsed.error.message, { cause: parsed.error }));
      return;
    }
    const reply = parsed.value;
    if (reply.type === 'ready') return;
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.type === 'ok') waiter.resolve(reply.inserted);
    else waiter.reject(fromWireError(reply.error));
  }

  /** Fail every unanswered request; the next writer starts a fresh thread. */
  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    if (shared === this) shared = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    void this.worker.terminate();
  }
}

let shared: WriteThread | undefined;
let nextWriter = 1;

/**
 * One writer's line to the write thread: batches sent through it are committed in order, on the thread's own
 * connection to the store's file (opened with the store's durability and busy timeout, shared with other writers
 * of that file). Get one with {@link openWriteChannel}; {@link close} it when done.
 */
export class WriteChannel {
  /** Settles when the thread has opened the store (rejects with the open's error). */
  readonly opened: Promise<void>;
  private readonly writer = nextWriter++;
  private closed = false;

  constructor(
    private readonly thread: WriteThread,
    store: Store,
  ) {
    this.opened = thread
      .send({ op: 'open', writer: this.writer, path: store.path, options: { ...store.connectionOptions } })
      .then(() => undefined);
  }

  /** Commit one batch (rows and run summary in one transaction); resolves with the rows that were new. */
  write(batch: SampleBatch): Promise<number> {
    if (this.closed) return Promise.reject(new StoreError('This sample write channel is closed'));
    return this.thread.send({
      op: 'write',
      writer: this.writer,
      rows: batch.rows,
      ...(batch.run ? { run: batch.run } : {}),
    });
  }

  /** Release the thread's connection (the last writer of a file closes it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.thread.send({ op: 'close', writer: this.writer });
  }
}

/** The process-wide write thread (started if it is not running), for writes to `store`'s file. */
function threadFor(store: Store): WriteThread {
  if (store.path === ':memory:')
    throw new InvalidInputError('The sample write thread needs a store file: an in-memory store is private', {
      hint: 'write in process (writerThread: false) or open the store from a file',
    });
  shared ??= new WriteThread();
  return shared;
}

/**
 * Start the process-wide write thread for writes to `store` if it is not running, so that its start-up overlaps
 * the caller's first work. An in-memory store cannot be shared with another connection: InvalidInputError.
 */
export function startWriteThread(store: Store): void {
  threadFor(store);
}

/** A channel to the process-wide write thread (started now if it is not running) for `store`'s file. */
export function openWriteChannel(store: Store): WriteChannel {
  return new WriteChannel(threadFor(store), store);
}
