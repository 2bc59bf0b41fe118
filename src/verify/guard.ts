/** Limits that keep one symbolic check small enough to finish quickly. */
export interface ComplexityLimits {
  /** Longest expression handed to the symbolic engine. Defaults to 400 characters. */
  maxLength?: number;
  /** Deepest brace/bracket nesting. Defaults to 12. */
  maxDepth?: number;
  /** Largest factorial argument or binomial top. Defaults to 170 (the last finite double factorial). */
  maxFactorial?: number;
  /** Most digits in an integer exponent. Defaults to 4. */
  maxExponentDigits?: number;
}

/**
 * Why an expression is too costly for the symbolic step, or null when it is fine. Power towers
 * (`a^{b^{c}}`), huge factorials (`100000!`), huge exponents and very long or deep inputs are refused
 * before they reach the engine, which would otherwise try to compute them exactly.
 */
export function complexityProblem(latex: string, limits: ComplexityLimits = {}): string | null {
  const maxLength = limits.maxLength ?? 400;
  const maxDepth = limits.maxDepth ?? 12;
  const maxFactorial = limits.maxFactorial ?? 170;
  const maxExponentDigits = limits.maxExponentDigits ?? 4;
  if (latex.length > maxLength) return `longer than ${maxLength} characters`;
  let depth = 0;
  let deepest = 0;
  for (const ch of latex) {
    if (ch === '{' || ch === '(' || ch === '[') deepest = Math.max(deepest, ++depth);
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
  }
  if (deepest > maxDepth) return `nested deeper than ${maxDepth}`;
  // An exponent that itself contains an exponent: a power tower.
  if (
    /\^\s*\{[^{}]*\^/.test(latex) ||
    /\^\s*[\w.]+\s*\^/.test(latex) ||
    /\^\s*\{[^{}]*\{[^{}]*\^/.test(latex)
  )
    return 'power tower';
  for (const m of latex.matchAll(/\^\s*\{?\s*-?(\d+)/g)) {
    if ((m[1]?.length ?? 0) > maxExponentDigits) return `exponent with more than ${maxExponentDigits} digits`;
  }
  for (const m of latex.matchAll(/(\d+)\s*!/g)) {
    if (Number(m[1]) > maxFactorial) return `factorial above ${maxFactorial}`;
  }
  for (const m of latex.matchAll(/\\binom\s*\{\s*(\d+)/g)) {
    if (Number(m[1]) > 10_000) return 'binomial too large';
  }
  if (/!\s*!|\)\s*!/.test(latex)) return 'factorial of an expression';
  return null;
}
