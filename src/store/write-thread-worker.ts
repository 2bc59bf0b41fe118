import { parentPort } from 'node:worker_threads';
import { StoreError } from '../core/errors/store-error.ts';
import { validate } from '../core/validate.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';
import {
  serializeError,
  type WriteThreadReply,
  type WriteThreadRequest,
  WriteThreadRequestSchema,
} from './write-thread-protocol.ts';

/** The write thread (see `write-thread.ts`): one connection per store file, shared by the writers using it. */
const connections = new Map<string, { store: Store; writers: number }>();
/** Each open writer's file. */
const writers = new Map<number, string>();

function connectionOf(writer: number): { path: string; store: Store } {
  const path = writers.get(writer);
  const connection = path === undefined ? undefined : connections.get(path);
  if (!connection || path === undefined)
    throw new StoreError(`Sample writer ${writer} has no open store on the write thread`, {
      hint: 'this is a bug in Distill: please report it (re-running the same command resumes the run)',
    });
  return { path, store: connection.store };
}

/** Each file's passive checkpoint, due once the requests already queued are handled. */
const idleCheckpoints = new Map<string, NodeJS.Immediate>();

/**
 * Copy the committed batches into the main file once this thread is idle (the batches already queued are committed
 * first, so a backlog is copied by one checkpoint), without waiting for readers: the WAL stays short and the store's
 * last close has little left to copy. A writer's close queued behind its last batch drops it.
 */
function checkpointWhenIdle(path: string, store: Store): void {
  if (idleCheckpoints.has(path)) return;
  idleCheckpoints.set(
    path,
    setImmediate(() => {
      idleCheckpoints.delete(path);
      try {
        store.checkpoint('passive');
      } catch {
        // A checkpoint that cannot run now runs after a later batch or at close; the batches are committed either way.
      }
    }),
  );
}

/** Carry out one request; returns the rows inserted (0 for open and close). */
function handle(request: WriteThreadRequest): number {
  switch (request.op) {
    case 'open': {
      let connection = connections.get(request.path);
      if (!connection) {
        connection = { store: openStore(request.path, request.options), writers: 0 };
        connections.set(request.path, connection);
      }
      connection.writers += 1;
      writers.set(request.writer, request.path);
      return 0;
    }
    case 'write': {
      const { path, store } = connectionOf(request.writer);
      const inserted = store.writeSampleBatch(request.run ? request : { rows: request.rows });
      // Indexed for search now, beside the run: the run's end then has nothing left to index.
      store.indexSearchUnlessBusy();
      checkpointWhenIdle(path, store);
      return inserted;
    }
    case 'close': {
      const path = writers.get(request.writer);
      writers.delete(request.writer);
      const connection = path === undefined ? undefined : connections.get(path);
      if (!connection || path === undefined) return 0;
      connection.writers -= 1;
      if (connection.writers === 0) {
        // Its last writer is done: a checkpoint still to come is dropped (the store's own close copies the rest).
        clearImmediate(idleCheckpoints.get(path));
        idleCheckpoints.delete(path);
        connections.delete(path);
        connection.store.close();
      }
      return 0;
    }
  }
}

const port = parentPort;
if (port) {
  port.on('message', (message: unknown) => {
    const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
    let reply: WriteThreadReply;
    let path: string | undefined;
    try {
      const request = validate(WriteThreadRequestSchema, message, 'write thread request');
      path = request.op === 'open' ? request.path : writers.get(request.writer);
      reply = { type: 'ok', id, inserted: handle(request) };
    } catch (error) {
      reply = { type: 'error', id, error: serializeError(error, path) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies WriteThreadReply);
}
