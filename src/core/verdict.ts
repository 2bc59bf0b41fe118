import { z } from 'zod';

/** The checker's decision on one answer. */
export const VerdictSchema = z.object({
  correct: z.boolean(),
  /** The answer string extracted from the reply (null when none was found). */
  extracted: z.string().nullable(),
  /** Which extractor found it: `boxed`, `hash`, `answer-is`, `last-number`, `choice`, … */
  extractor: z.string().nullable(),
  /** Which comparison decided: `exact`, `numeric`, `symbolic`, `set`, `text`, `choice`, `timeout`, `none`. */
  method: z.string(),
  verifierVersion: z.string(),
  detail: z.string().optional(),
});
export type Verdict = z.infer<typeof VerdictSchema>;
