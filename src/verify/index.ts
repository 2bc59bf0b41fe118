export { type VerifyBatchOptions, verifyBatch } from './batch.ts';
export { findBoxed, lastBoxed } from './boxed.ts';
export { extractChoice } from './choice.ts';
export { extractProgram, type ProgramExtraction } from './code/extract-program.ts';
export {
  DEFAULT_SANDBOX_LIMITS,
  requireSandbox,
  runSandboxed,
  type SandboxLimits,
  type SandboxResult,
  sandboxAvailable,
} from './code/sandbox.ts';
export {
  type CodeStatus,
  type CodeVerdict,
  codeVerdictToVerdict,
  verifyCode,
  verifyProgram,
} from './code/verify-code.ts';
export { type CompareOptions, type Comparison, compareAnswers } from './compare.ts';
export {
  DEFAULT_EXTRACTION_PRIORITY,
  type Extraction,
  type ExtractOptions,
  type ExtractorName,
  extractAnswer,
} from './extract.ts';
export { type ComplexityLimits, complexityProblem } from './guard.ts';
export {
  MATH_VERIFY_REQUIREMENTS,
  MATH_VERIFY_VERSION,
  MathVerifyPool,
  type MathVerifyPoolOptions,
} from './math-verify-pool.ts';
export { normalizeAnswer } from './normalize.ts';
export { parseVerifyPairs, readVerifyPairs } from './pairs-file.ts';
export {
  DEFAULT_VERIFY_TIMEOUT_MS,
  goldAnswer,
  type VerifyInput,
  VerifyInputSchema,
  type VerifyKind,
  VerifyKindSchema,
  verifyAnswer,
} from './verify-answer.ts';
export { VERIFIER_VERSION } from './version.ts';
