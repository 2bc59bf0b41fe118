import type { MiddlewareHandler } from 'hono';
import { hostnameOf, requestHost } from './host-guard.ts';
import { HttpError } from './openai-error.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Normalise one `--cors` entry: `*`, or a web origin `scheme://host[:port]` (lower-cased, default port and any
 * trailing slash dropped). Undefined when it is not an origin (a path, a query, another scheme, no host).
 */
export function normalizeOrigin(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed === '*') return '*';
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
    if (!/^https?:\/\/[^/]+\/?$/i.test(trimmed)) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Port of a `Host` value, or of an origin's scheme when the value has none. */
function portOf(host: string, scheme: 'http:' | 'https:'): string {
  const match = host.match(/:(\d+)$/);
  return match?.[1] ?? (scheme === 'https:' ? '443' : '80');
}

/**
 * Whether `origin` is this server's own: same host and port as the request's `Host` (http or https, for a TLS proxy
 * in front), or a loopback name for the same port (a page at `http://localhost:8080` calling `127.0.0.1:8080`).
 */
export function isSameOrigin(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.host === host) return true;
  const requestName = hostnameOf(host);
  return (
    requestName !== undefined &&
    LOOPBACK.has(url.hostname) &&
    LOOPBACK.has(requestName) &&
    portOf(url.host, url.protocol) === portOf(host, 'http:')
  );
}

/**
 * Refuse browser requests from other origins (403, OpenAI-shaped) unless `corsOrigins` allows them, so no web page
 * the user visits can drive the models (a cross-origin `text/plain` POST needs no preflight). Requests without an
 * `Origin` header (curl, SDKs, same-origin GETs) pass; `Origin: null` (sandboxed frames, `file:`) does not.
 */
export function originGuard(corsOrigins: readonly string[] = []): MiddlewareHandler {
  const any = corsOrigins.includes('*');
  const allowed = new Set(corsOrigins.map((o) => normalizeOrigin(o) ?? o));
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || any) return next();
    const normalized = normalizeOrigin(origin);
    if (normalized !== undefined && allowed.has(normalized)) return next();
    if (isSameOrigin(origin, requestHost(c.req.header('host'), c.req.url))) return next();
    throw new HttpError(
      403,
      `Cross-origin request from '${origin}' refused: only this server's own pages may call it; ` +
        `start it with --cors ${normalized ?? 'ORIGIN'} to allow that origin`,
      { code: 'origin_not_allowed' },
    );
  };
}
