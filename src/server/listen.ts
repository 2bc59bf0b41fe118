import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { SetupError } from '../core/errors/setup-error.ts';

export interface ListenOptions {
  /** Interface to bind. Defaults to 127.0.0.1 (loopback only). */
  host?: string;
  /** TCP port; 0 picks a free one. Defaults to 8080. */
  port?: number;
}

/** A listening server: its URL and a clean shutdown. */
export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting, end open connections, resolve when closed. */
  close(): Promise<void>;
}

/** Start `app` on Node's HTTP server. Rejects with a SetupError when the port is taken. */
export function listen(app: Hono, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: host, port: options.port ?? 8080 },
      (info: AddressInfo) => {
        const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SetupError(`Cannot listen on ${host}:${options.port ?? 8080}: ${error.message}`, {
          cause: error,
          hint: error.code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : undefined,
        }),
      ),
    );
  });
}
