import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { DistillError } from '../core/errors/distill-error.ts';

/** The error body every OpenAI-compatible client understands. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An HTTP failure with an OpenAI-shaped body. Thrown inside routes; rendered by the app's error handler. */
export class HttpError extends DistillError {
  readonly status: ContentfulStatusCode;
  readonly type: string;
  readonly param: string | null;
  readonly apiCode: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    message: string,
    options: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, { code: 'E_HTTP' });
    this.name = 'HttpError';
    this.status = status;
    this.type = options.type ?? typeForStatus(status);
    this.param = options.param ?? null;
    this.apiCode = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.apiCode } };
  }
}

function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Turn a zod failure on a request body into a 400 naming the offending parameter (`messages[0].content`). */
export function fromZodError(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const param = path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  const message = issue ? `${param ? `${param}: ` : ''}${issue.message}` : 'Invalid request body';
  return new HttpError(400, message, { param: param || null, code: 'invalid_value' });
}

/** Map any thrown value to an HttpError (unknown failures become a 500 without internals). */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (DistillError.isInstance(error)) {
    if (error.code === 'E_INPUT') return new HttpError(400, error.toLine(), { code: 'invalid_value' });
    if (error.code === 'E_NOT_FOUND') return new HttpError(404, error.toLine(), { code: 'not_found' });
    if (error.code === 'E_ABORTED') return new HttpError(499 as ContentfulStatusCode, error.message);
    return new HttpError(500, error.toLine(), { code: error.code });
  }
  return new HttpError(500, 'Internal server error', { code: 'internal_error' });
}
