import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { type VerifyInput, VerifyInputSchema } from './verify-answer.ts';

/**
 * Parse JSONL text of `{"gold", "pred", "kind"?, "timeoutMs"?}` objects (blank lines skipped).
 * A malformed line is an InvalidInputError naming its 1-based line number.
 */
export function parseVerifyPairs(text: string, source = 'input'): VerifyInput[] {
  const pairs: VerifyInput[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]?.trim() ?? '';
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`${source} line ${n + 1}: not valid JSON (${(error as Error).message})`, {
        hint: 'each line must be an object like {"gold": "\\\\frac{1}{2}", "pred": "0.5"}',
      });
    }
    const parsed = VerifyInputSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
      throw new InvalidInputError(`${source} line ${n + 1}: ${issue?.message ?? 'invalid pair'}${where}`, {
        hint: 'each line needs string fields "gold" and "pred"',
      });
    }
    pairs.push(parsed.data);
  }
  return pairs;
}

/** Read and parse a JSONL pairs file (see `parseVerifyPairs`). */
export function readVerifyPairs(path: string): VerifyInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NotFoundError('file', `Cannot read pairs file ${path}: ${(error as Error).message}`, {
      hint: 'pass a JSONL file with one {"gold", "pred"} object per line',
    });
  }
  return parseVerifyPairs(text, path);
}
