import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { ensurePythonVenv, type PythonVenv } from '../core/python-venv.ts';
import { MATH_VERIFY_REQUIREMENTS, MathVerifyPool } from '../verify/math-verify-pool.ts';

/** Which answer checker a command uses: the in-process TypeScript one (default) or Hugging Face Math-Verify. */
export type VerifierName = 'ts' | 'math-verify';

/** The `--verifier` option shared by `verify`, `curate` and `eval`. */
export const verifierArg = {
  verifier: {
    type: 'string',
    description: 'Answer checker: ts (in process, default) | math-verify (Python, venv built on first use)',
  },
} as const;

/** Parse `--verifier` (and `--compare-with`), with a clear error naming the flag. */
export function verifierName(value: string | undefined, flag = 'verifier'): VerifierName {
  if (value === undefined || value === '' || value === 'ts' || value === 'typescript') return 'ts';
  if (value === 'math-verify') return 'math-verify';
  throw new InvalidInputError(`--${flag} must be ts or math-verify, got '${value}'`);
}

/** The Math-Verify venv (`src/verify/python/requirements.txt`), built on first use and cached by its hash. */
export function ensureMathVerifyVenv(
  options: { python?: string; signal?: AbortSignal } = {},
): Promise<PythonVenv> {
  return ensurePythonVenv(
    MATH_VERIFY_REQUIREMENTS,
    {
      label: 'the Math-Verify Python environment',
      packages: 'math-verify (sympy, antlr4 LaTeX parser)',
      setupCommand: 'distill setup math-verify',
    },
    {
      onProgress: (m) => process.stderr.write(`${m}\n`),
      ...(options.python ? { python: options.python } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}

/** A Math-Verify worker pool on the cached venv (call `close()` when done). */
export async function openMathVerifyPool(
  options: { workers?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MathVerifyPool> {
  const venv = await ensureMathVerifyVenv(options.signal ? { signal: options.signal } : {});
  return new MathVerifyPool({
    python: venv.python,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
