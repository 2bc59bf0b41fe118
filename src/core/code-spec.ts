import { z } from 'zod';

/** One stdin/stdout case: the program reads `input` and must print `output` (compared line by line, trimmed). */
export const IoCaseSchema = z.object({ input: z.string(), output: z.string() });
export type IoCase = z.infer<typeof IoCaseSchema>;

/**
 * How a code problem is checked. Tests are Python `assert` statements run after the program (each reported on its
 * own: `assert f(2) == 4` shows expected vs got), a HumanEval-style `check(candidate)` function called with the
 * entry point, or stdin/stdout cases. At least one kind of test is required.
 */
export const CodeSpecSchema = z
  .object({
    language: z.literal('python').default('python'),
    /** The function the program must define (HumanEval `entry_point`). */
    entryPoint: z.string().min(1).optional(),
    /** Python run before the program, in the same namespace (e.g. HumanEval's `from typing import List`). */
    prelude: z.string().optional(),
    asserts: z.array(z.string().min(1)).default([]),
    /** Python source defining `check(candidate)`; needs `entryPoint`. */
    check: z.string().min(1).optional(),
    io: z.array(IoCaseSchema).default([]),
    timeLimitMs: z.number().int().min(1).max(600_000).default(5_000),
    memoryMb: z.number().int().min(16).max(16_384).default(512),
  })
  .refine((s) => s.asserts.length + s.io.length > 0 || s.check !== undefined, {
    message: 'a code spec needs asserts, a check function or io cases',
  })
  .refine((s) => s.check === undefined || s.entryPoint !== undefined, {
    message: 'a check function needs entryPoint',
  });
export type CodeSpec = z.infer<typeof CodeSpecSchema>;
export type CodeSpecInput = z.input<typeof CodeSpecSchema>;
