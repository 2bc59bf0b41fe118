import { z } from 'zod';
import { CodeSpecSchema } from './code-spec.ts';

/** Where a problem came from: a built-in generator (reproducible by seed) or a dataset row. */
export const ProblemSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('builtin'),
    family: z.string(),
    split: z.enum(['train', 'eval']),
    level: z.number().int().min(1),
    seed: z.number().int(),
    index: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal('dataset'),
    /** Dataset name, e.g. `gsm8k`, `math500`, or the file stem. */
    dataset: z.string(),
    file: z.string().optional(),
    row: z.number().int().min(0),
    revision: z.string().optional(),
    licenseSpdx: z.string().optional(),
  }),
]);
export type ProblemSource = z.infer<typeof ProblemSourceSchema>;

/** Step-by-step reference reasoning that ships with built-in problems and some datasets. */
export const ReferenceSchema = z.object({ reasoning: z.string(), answer: z.string() });
export type Reference = z.infer<typeof ReferenceSchema>;

/** A question put to a teacher or student, with its checkable gold answer. */
export const ProblemSchema = z.object({
  id: z.string().min(1),
  source: ProblemSourceSchema,
  prompt: z.string().min(1),
  gold: z.string().optional(),
  /** How to check the answer. Defaults to `math`. */
  answerKind: z.enum(['math', 'exact', 'choice']).default('math'),
  reference: ReferenceSchema.optional(),
  /** Set for code problems: the reply's final program is run against these tests in the sandbox. */
  code: CodeSpecSchema.optional(),
  origin: z.enum(['human', 'synthetic', 'benchmark-derived']).default('synthetic'),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type Problem = z.infer<typeof ProblemSchema>;
export type ProblemInput = z.input<typeof ProblemSchema>;
