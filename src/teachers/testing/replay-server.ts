import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the replay server answers to one request. */
export interface Reply {
  /** Defaults to 200. */
  status?: number;
  /** Defaults to SSE headers when `chunks` is set, JSON otherwise. */
  headers?: Record<string, string>;
  /** Written one by one (each flushed), e.g. the events of a recorded stream. */
  chunks?: string[];
  /** A whole body, written at once. */
  body?: string;
  /** Pause between chunks in ms. Defaults to 0. */
  chunkDelayMs?: number;
  /** Destroy the socket after writing (a cut connection). Defaults to false. */
  destroy?: boolean;
  /** Never answer (a hung server, for timeouts). Defaults to false. */
  hang?: boolean;
}

/** One request as the server saw it (headers included: tests assert what was sent). */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface ReplayServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');

/** Read a fixture file from `src/teachers/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/**
 * A recorded stream split into the pieces it is replayed in: SSE events (separated by a blank line) or NDJSON
 * lines, each keeping its terminator, so the bytes on the wire are exactly the recorded ones.
 */
export function recordedChunks(name: string): string[] {
  const text = fixture(name);
  const sep = name.endsWith('.ndjson.chunks.txt') ? /(?<=\n)/ : /(?<=\n\n)/;
  return text.split(sep).filter((c) => c.length > 0);
}

/** SSE reply from a recorded `*.chunks.txt`. */
export function sseReply(name: string, extra: Partial<Reply> = {}): Reply {
  return { chunks: recordedChunks(name), ...extra };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A local HTTP server on 127.0.0.1 (port 0) answering each request with `handler`'s Reply. */
export async function startReplayServer(
  handler: (req: RecordedRequest, index: number) => Reply | Promise<Reply>,
): Promise<ReplayServer> {
  const requests: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: await readBody(req),
    };
    const index = requests.push(recorded) - 1;
    const reply = await handler(recorded, index);
    if (reply.hang) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const streaming = reply.chunks !== undefined;
    res.writeHead(reply.status ?? 200, {
      ...(streaming
        ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
        : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    if (streaming) {
      for (const chunk of reply.chunks ?? []) {
        res.write(chunk);
        if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
      }
    } else if (reply.body !== undefined) res.write(reply.body);
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    res.end();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of hung) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
