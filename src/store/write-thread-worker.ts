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

function connectionOf(writer: number): Store {
  const path = writers.get(writer);
  const connection = path === undefined ? undefined : connections.get(path);
  if (!connection)
    throw new StoreError(`Sample writer ${writer} has no open store on the write thread`, {
      hint: 'this is a bug in Distill: please report it (re-running the same command resumes the run)',
    });
  return connection.store;
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
      const store = connectionOf(request.writer);
      const inserted = store.writeSampleBatch(request.run ? request : { rows: request.rows });
      try {
        // Copy the batch into the main file now, on this thread, without waiting for readers: the WAL stays short
        // and the last close (on the main thread) has little left to copy. The batch is committed either way.
        store.checkpoint('passive');
      } catch {
        // A checkpoint that cannot run now runs at a later batch or at close.
      }
      return inserted;
    }
    case 'close': {
      const path = writers.get(request.writer);
      writers.delete(request.writer);
      const connection = path === undefined ? undefined : connections.get(path);
      if (!connection || path === undefined) return 0;
      connection.writers -= 1;
      if (connection.writers === 0) {
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
