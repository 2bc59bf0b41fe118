import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors/provider-error.ts';
import type { BatchStream } from './batch-stream.ts';
import { chatCall } from './undici-chat-call.ts';

/** What the next request gets: the response is handed over, the test writes to it. */
let respond: (res: ServerResponse) => void = (res) => res.end();
const sockets = new Set<unknown>();
let closedResponses = 0;
const server = createServer((req, res) => {
  sockets.add(req.socket);
  res.on('close', () => {
    if (!res.writableFinished) closedResponses += 1;
  });
  req.resume();
  req.on('end', () => respond(res));
});
const agent = new Agent({ keepAliveTimeout: 10_000 });
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A streamed call to the test server: read as a BatchStream, or handed to `sink` when one is given. */
const call = (signal?: AbortSignal, sink?: (value: unknown) => boolean) =>
  chatCall({
    dispatcher: agent,
    origin,
    path: '/v1/chat/completions',
    headers: {},
    body: '{}',
    stream: true,
    signal,
    ...(sink ? { sink } : {}),
  });

const sse = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });

async function all(stream: BatchStream<unknown[]>): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const batch of stream) out.push(batch);
  return out;
}

describe('chatCall (undici dispatch, SSE parsed as it arrives)', () => {
  it('ends at [DONE], drops what follows, and reuses the keep-alive connection', async () => {
    sockets.clear();
    for (let i = 0; i < 2; i++) {
      respond = (res) => {
        sse(res);
        res.write('data: {"n":1}\n\ndata: {"n":2}\n\n');
        setTimeout(() => res.end('data: [DONE]\n\ndata: {"after":true}\n\n'), 5);
      };
      const stream = (await call()) as BatchStream<unknown[]>;
      expect(await all(stream)).toEqual([[{ n: 1 }, { n: 2 }]]);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the rest of the body arrives and is dropped
    }
    expect(sockets.size).toBe(1);
  });

  it('a reader that stops early closes the request; the next one still works', async () => {
    closedResponses = 0;
    respond = (res) => {
      sse(res);
      res.write('data: {"n":1}\n\n'); // and never ends
    };
    const stream = (await call()) as BatchStream<unknown[]>;
    for await (const batch of stream) {
      expect(batch).toEqual([{ n: 1 }]);
      break;
    }
    await expect.poll(() => closedResponses).toBe(1);
    respond = (res) => {
      sse(res);
      res.end('data: {"n":3}\n\n');
    };
    expect(await all((await call()) as BatchStream<unknown[]>)).toEqual([[{ n: 3 }]]);
  });

  it('aborting the signal mid-stream fails the reader with its reason, after the batches already read', async () => {
    respond = (res) => {
      sse(res);
      res.write('data: {"n":1}\n\n');
    };
    const controller = new AbortController();
    const stream = (await call(controller.signal)) as BatchStream<unknown[]>;
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual([{ n: 1 }]);
    const pending = iterator.next();
    controller.abort(new DOMException('Request timed out', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects at once on an aborted signal, and with the ProviderError of an error status', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(call(controller.signal)).rejects.toThrow('stop');
    respond = (res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ error: { message: 'slow down' } }));
    };
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 2000 });
    expect((error as Error).message).toContain('slow down');
  });

  it('a malformed data payload fails the stream after the good ones before it', async () => {
    respond = (res) => {
      sse(res);
      res.end('data: {"n":1}\n\ndata: {oops\n\n');
    };
    const stream = (await call()) as BatchStream<unknown[]>;
    const seen: unknown[][] = [];
    const error = await (async () => {
      for await (const batch of stream) seen.push(batch);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([[{ n: 1 }]]);
    expect(error).toBeInstanceOf(SyntaxError);
  });

  describe('with a sink (objects handed over as parsed; resolves at the end)', () => {
    const into = (sink: (value: unknown) => boolean, signal?: AbortSignal) => call(signal, sink);

    /** A sink that keeps what it is given in `seen` and answers `stop`. */
    const taking =
      (seen: unknown[], stop: boolean) =>
      (value: unknown): boolean => {
        seen.push(value);
        return stop;
      };

    it('takes every object up to [DONE] in order, across reads, and resolves once the stream is over', async () => {
      respond = (res) => {
        sse(res);
        res.write('data: {"n":1}\n\ndata: {"n"');
        setTimeout(() => res.end(':2}\n\ndata: [DONE]\n\ndata: {"after":true}\n\n'), 5);
      };
      const seen: unknown[] = [];
      await expect(into(taking(seen, false))).resolves.toBeUndefined();
      expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('an informational 103 before the reply is skipped (the stream and a sink read the final response)', async () => {
      respond = (res) => {
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        sse(res);
        res.end('data: {"n":1}\n\ndata: [DONE]\n\n');
      };
      const seen: unknown[] = [];
      await into(taking(seen, false));
      expect(seen).toEqual([{ n: 1 }]);
      expect(await all((await call()) as BatchStream<unknown[]>)).toEqual([[{ n: 1 }]]);
    });

    it('a sink that returns true stops reading and closes the request; the next call still works', async () => {
      closedResponses = 0;
      respond = (res) => {
        sse(res);
        res.write('data: {"n":1}\n\ndata: {"n":2}\n\n'); // and never ends
      };
      const seen: unknown[] = [];
      await into(taking(seen, true));
      expect(seen).toEqual([{ n: 1 }]);
      await expect.poll(() => closedResponses).toBe(1);
      respond = (res) => {
        sse(res);
        res.end('data: {"n":3}\n\n');
      };
      const next: unknown[] = [];
      await into(taking(next, false));
      expect(next).toEqual([{ n: 3 }]);
    });

    it('a sink that throws fails the call with its error; an error object or bad JSON fails it after the good ones', async () => {
      respond = (res) => {
        sse(res);
        res.end('data: {"n":1}\n\ndata: {"n":2}\n\n');
      };
      await expect(
        into(() => {
          throw new ProviderError('malformed', 'bad chunk');
        }),
      ).rejects.toMatchObject({ kind: 'malformed', message: 'bad chunk' });
      for (const bad of ['data: {"error":{"message":"overloaded"}}', 'data: {oops']) {
        respond = (res) => {
          sse(res);
          res.end(`data: {"n":1}\n\n${bad}\n\ndata: {"n":9}\n\n`);
        };
        const seen: unknown[] = [];
        const error = await into(taking(seen, false)).catch((e: unknown) => e);
        expect(seen).toEqual([{ n: 1 }]);
        if (bad.includes('error')) expect(error).toMatchObject({ kind: 'server' });
        else expect(error).toBeInstanceOf(SyntaxError);
      }
    });

    it('rejects with the ProviderError of an error status, and with the reason of an abort mid-stream', async () => {
      respond = (res) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'warming up' } }));
      };
      await expect(into(() => false)).rejects.toMatchObject({ kind: 'server', status: 503 });
      respond = (res) => {
        sse(res);
        res.write('data: {"n":1}\n\n');
      };
      const controller = new AbortController();
      const done = into((v) => {
        expect(v).toEqual({ n: 1 });
        setImmediate(() => controller.abort(new DOMException('Request timed out', 'TimeoutError')));
        return false;
      }, controller.signal);
      await expect(done).rejects.toMatchObject({ name: 'TimeoutError' });
    });
  });
});
