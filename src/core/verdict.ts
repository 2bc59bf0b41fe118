import { z } from 'zod';

/** How a program's run against a code problem's tests ended (see src/verify/code). */
export const CodeStatusSchema = z.enum([
  'passed',
  'no-code',
  'syntax-error',
  'runtime-error',
  'wrong-answer',
  'timeout',
  'memory',
  'output-limit',
]);
export type CodeStatus = z.infer<typeof CodeStatusSchema>;

/** The first failing test of a code verdict: its text, and expected vs got (or the error) where known. */
export const CodeFailureSchema = z.object({
  /** 0-based index over the problem's tests (asserts, then `check`, then stdin/stdout cases). */
  test: z.number().int().min(0),
  text: z.string(),
  expected: z.string().optional(),
  got: z.string().optional(),
  error: z.string().optional(),
});
export type CodeFailure = z.infer<typeof CodeFailureSchema>;

/**
 * A code verdict's test results, kept with the verdict so the Studio and `distill compare` can show which test
 * failed and how: status, tests passed before the first failure, that failure, and excerpts of what the program
 * printed (stdout without the harness's own lines; the end of stderr, where a traceback is).
 */
export const CodeResultSchema = z.object({
  status: CodeStatusSchema,
  passed: z.number().int().min(0),
  total: z.number().int().min(0),
  failure: CodeFailureSchema.optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  wallMs: z.number().min(0),
});
export type CodeResult = z.infer<typeof CodeResultSchema>;

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
  /** Test results, for a code verdict (`method` `code:<status>`). */
  code: CodeResultSchema.optional(),
});
export type Verdict = z.infer<typeof VerdictSchema>;
