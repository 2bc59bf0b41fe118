import type { z } from 'zod';
import { StoreError } from '../core/errors/store-error.ts';

/** Parse a JSON column and validate it with `schema`; a bad row is a StoreError naming where it is. */
export function readJson<S extends z.ZodType>(text: string, schema: S, where: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`Corrupt JSON in ${where}`, {
      cause,
      hint: 'run `distill runs check` on the store',
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new StoreError(`Invalid record in ${where}${at}: ${issue?.message ?? 'schema mismatch'}`, {
      cause: parsed.error,
      hint: 'the row does not match the current record schema; was it written by another Distill version?',
    });
  }
  return parsed.data;
}
