import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { validate } from '../../core/validate.ts';

/** One endpoint of a pool file. */
export const PoolEntrySchema = z
  .object({
    /** Teacher URI, e.g. `openai-compatible:http://10.0.0.1:8000/v1#deepseek-ai/DeepSeek-R1-Distill-Qwen-7B`. */
    uri: z.string().min(1),
    /** Relative share of traffic. Defaults to 1. */
    weight: z.number().positive().default(1),
    /** Requests in flight on this endpoint. Defaults to the run's --concurrency. */
    concurrency: z.number().int().min(1).optional(),
    /** Requests per minute on this endpoint. Defaults to no limit. */
    rpm: z.number().int().min(1).optional(),
  })
  .strict();
export type PoolEntry = z.infer<typeof PoolEntrySchema>;

/** `teachers.yaml`: `teachers: [{ uri, weight?, concurrency?, rpm? }, …]`. */
export const PoolFileSchema = z.object({ teachers: z.array(PoolEntrySchema).min(1) }).strict();
export type PoolFile = z.infer<typeof PoolFileSchema>;

/** Read and validate a pool file (YAML or JSON). */
export function loadPoolFile(path: string): PoolEntry[] {
  const file = resolve(path);
  if (!existsSync(file))
    throw new InvalidInputError(`Teacher pool file not found: ${file}`, { hint: 'check --teachers' });
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Teacher pool file ${file} is not valid YAML`, {
      cause,
      hint: 'write `teachers:` followed by a list of `- uri: …` entries',
    });
  }
  return validate(PoolFileSchema, value, `teacher pool ${file}`).teachers;
}
