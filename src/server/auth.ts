import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './openai-error.ts';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The key a request presents: `Authorization: Bearer KEY` (OpenAI clients) or `x-api-key: KEY`. */
function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() ?? xApiKey?.trim();
}

/** Refuse requests without the right API key (401, OpenAI-shaped). Compares in constant time. */
export function apiKeyAuth(apiKey: string): MiddlewareHandler {
  const expected = digest(apiKey);
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (key === undefined)
      throw new HttpError(401, 'Missing API key: send it as "Authorization: Bearer <key>"', {
        code: 'invalid_api_key',
        headers: { 'www-authenticate': 'Bearer' },
      });
    if (!timingSafeEqual(digest(key), expected))
      throw new HttpError(401, 'Incorrect API key provided', {
        code: 'invalid_api_key',
        headers: { 'www-authenticate': 'Bearer' },
      });
    await next();
  };
}
