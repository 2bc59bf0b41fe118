import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from './openai-error.ts';

/** The media type of a `Content-Type` value, lower-cased, without parameters (`Application/JSON; charset=utf-8` → `application/json`). */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

/**
 * Refuse POST, PUT and PATCH requests whose body is not declared `application/json` (415, OpenAI-shaped). Browsers
 * send `text/plain`, form and multipart bodies across origins without a CORS preflight; JSON always needs one.
 */
export function requireJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next();
    const type = mediaType(c.req.header('content-type'));
    if (type !== 'application/json')
      throw new HttpError(
        415 as ContentfulStatusCode,
        `Content-Type must be application/json${type ? `, got '${type}'` : ' (none was sent)'}`,
        { code: 'unsupported_media_type' },
      );
    await next();
  };
}
