import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './openai-error.ts';

/** Host names every server accepts: loopback by name. IP literals are accepted too (see {@link isAllowedHost}). */
const LOOPBACK_NAMES = new Set(['localhost']);

/** The host name of a `Host` header value (`[::1]:8080` → `[::1]`, `Example.COM` → `example.com`), or undefined. */
export function hostnameOf(host: string): string | undefined {
  if (!host || /[\s/?#@\\]/.test(host)) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

/**
 * Normalise one `--allowed-hosts` entry: a host name (`gpu.lan`), `.example.com` for the name and every subdomain
 * (Vite and webpack-dev-server's convention), or `all`. A port, if given, is dropped: only names are checked.
 */
export function normalizeAllowedHost(entry: string): string | undefined {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === 'all') return 'all';
  const wildcard = trimmed.startsWith('.');
  const name = hostnameOf(wildcard ? trimmed.slice(1) : trimmed);
  return name ? `${wildcard ? '.' : ''}${name}` : undefined;
}

/**
 * Whether a request's `Host` may reach this server. DNS rebinding makes a browser send an attacker's own host name
 * (`Host: evil.example:8080`) to a server on this machine, so only names the user chose pass: `localhost`, IP
 * literals (no DNS involved, so nothing to rebind), and `allowedHosts` (which include the name bound with `--host`).
 * Ports are not compared, so SSH tunnels and reverse proxies on other ports keep working; the Origin check compares
 * them. Like Vite's `server.allowedHosts` and Jupyter's `local_hostnames`.
 */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.includes('all')) return true;
  const hostname = hostnameOf(host);
  if (hostname === undefined) return false;
  if (LOOPBACK_NAMES.has(hostname) || isIpLiteral(hostname)) return true;
  return allowedHosts.some((entry) =>
    entry.startsWith('.') ? hostname === entry.slice(1) || hostname.endsWith(entry) : hostname === entry,
  );
}

/** The `Host` a request was sent to (the header on a real socket; the URL's host for in-process requests). */
export function requestHost(headerHost: string | undefined, url: string): string {
  return (headerHost ?? new URL(url).host).toLowerCase();
}

/** Refuse requests whose `Host` is not this server's (403, OpenAI-shaped): stops DNS rebinding. */
export function hostGuard(allowedHosts: readonly string[] = []): MiddlewareHandler {
  const allowed = allowedHosts.map((h) => normalizeAllowedHost(h) ?? h.toLowerCase());
  return async (c, next) => {
    const host = requestHost(c.req.header('host'), c.req.url);
    if (!isAllowedHost(host, allowed))
      throw new HttpError(
        403,
        `Host '${host}' is not allowed: this server answers to localhost, IP addresses and --allowed-hosts only ` +
          `(a protection against DNS rebinding); start it with --allowed-hosts ${hostnameOf(host) ?? 'NAME'} to allow it`,
        { code: 'host_not_allowed' },
      );
    await next();
  };
}
