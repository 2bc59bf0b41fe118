import { afterAll, beforeAll } from 'vitest';
import { type ReplayServer, type Reply, startReplayServer } from './replay-server.ts';

/** A replay server that answers every request with the reply the test set last. */
export interface ScriptedReplayServer extends ReplayServer {
  /** The reply to the next requests. Defaults to an empty JSON object. */
  next: Reply;
}

/**
 * For a test file: starts a replay server before its tests and closes it after them. Set `next` before each call;
 * `url` and `requests` are those of the running server (read them inside tests, not at import).
 */
export function useReplayServer(): ScriptedReplayServer {
  let server: ReplayServer | undefined;
  const running = (): ReplayServer => {
    if (!server) throw new Error('The replay server is not started yet: use it inside a test or hook');
    return server;
  };
  const scripted: ScriptedReplayServer = {
    next: { body: '{}' },
    get url() {
      return running().url;
    },
    get requests() {
      return running().requests;
    },
    close: async () => server?.close(),
  };
  beforeAll(async () => {
    server = await startReplayServer(() => scripted.next);
  });
  afterAll(() => scripted.close());
  return scripted;
}
