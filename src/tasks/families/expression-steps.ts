/** A token of an arithmetic expression over non-negative integers with + - * and parentheses. */
export type Token = number | '+' | '-' | '*' | '(' | ')';

export interface ExpressionStep {
  /** The operation done in this step, e.g. `3 + 4 = 7`. */
  op: string;
  /** Whether the operation sat inside parentheses. */
  inParens: boolean;
  operator: '+' | '-' | '*';
  left: number;
  right: number;
  result: number;
  /** The whole expression after the step. */
  after: Token[];
}

/** Render tokens the way prompts show them: `(3 + 4) * 5 - 2`. */
export function renderTokens(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t === '(') out += out === '' || out.endsWith('(') ? '(' : ' (';
    else if (t === ')') out += ')';
    else out += out === '' || out.endsWith('(') ? String(t) : ` ${t}`;
  }
  return out;
}

/** Drop parentheses that wrap a single number. */
function unwrap(tokens: Token[]): Token[] {
  const out = tokens.slice();
  for (let i = 0; i + 2 < out.length; i++) {
    if (out[i] === '(' && typeof out[i + 1] === 'number' && out[i + 2] === ')') {
      out.splice(i, 3, out[i + 1] as number);
      i = -1;
    }
  }
  return out;
}

/**
 * Evaluate step by step the way people are taught: the innermost parentheses first; within a group
 * multiplication before addition and subtraction; otherwise left to right. One operation per step.
 */
export function evaluateSteps(expression: readonly Token[]): ExpressionStep[] {
  let tokens = unwrap(expression.slice());
  const steps: ExpressionStep[] = [];
  while (tokens.length > 1) {
    const close = tokens.indexOf(')');
    const open = close < 0 ? -1 : tokens.lastIndexOf('(', close);
    const lo = open + 1;
    const hi = close < 0 ? tokens.length : close;
    const inGroup = tokens.slice(lo, hi);
    const star = inGroup.indexOf('*');
    const at = lo + (star >= 0 ? star : inGroup.findIndex((t) => t === '+' || t === '-'));
    const operator = tokens[at] as '+' | '-' | '*';
    const left = tokens[at - 1] as number;
    const right = tokens[at + 1] as number;
    const result = operator === '+' ? left + right : operator === '-' ? left - right : left * right;
    tokens.splice(at - 1, 3, result);
    tokens = unwrap(tokens);
    steps.push({
      op: `${left} ${operator} ${right} = ${result}`,
      inParens: open >= 0,
      operator,
      left,
      right,
      result,
      after: tokens.slice(),
    });
  }
  return steps;
}
