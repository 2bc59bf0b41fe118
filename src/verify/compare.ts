import { type ComplexityLimits, complexityProblem } from './guard.ts';
import { normalizeAnswer, plainText } from './normalize.ts';
import { exactNumbersEqual, parseExactNumber } from './number.ts';
import { relationInterval, type Shape, shapeOf } from './structure.ts';
import { constantRatio, symbolicCompare } from './symbolic.ts';

/** How a comparison was decided. `method` values match `Verdict.method`. */
export interface Comparison {
  equal: boolean;
  method: 'exact' | 'numeric' | 'symbolic' | 'set' | 'text' | 'timeout' | 'none';
  detail?: string;
}

export interface CompareOptions {
  /** Relative tolerance for values written with a decimal point (absolute below 1). Defaults to 1e-6. */
  relTol?: number;
  /**
   * Limits checked before the symbolic step; `false` turns the guard off (only safe where the caller
   * enforces a hard time limit, as `verifyBatch` does). Defaults to the limits of `complexityProblem`.
   */
  limits?: ComplexityLimits | false;
  /**
   * Time budget in ms, checked between element comparisons (a long tuple or set stops early with
   * `method: 'timeout'`). Single symbolic calls are bounded by the complexity guard. Defaults to 5000.
   */
  timeoutMs?: number;
}

/** Thrown inside a comparison when its time budget is spent. */
class CheckTimeout extends Error {}

/** Unordered comparison of more items than this uses string identity only (it is quadratic). */
const MAX_UNORDERED_ITEMS = 32;

interface Ctx {
  deadline: number;
  relTol: number;
  limits: ComplexityLimits | false;
  /** Set when the symbolic step was skipped by the complexity guard. */
  guarded?: string;
}

/** Answers longer than this are compared as strings only (normalising them costs too much). */
const MAX_ANSWER_CHARS = 2000;

const TEXTY = /^\(?[A-Za-z][A-Za-z\s']*\)?$/;

function textForm(s: string): string | null {
  const hadText = s.includes('\\text{');
  // `(D) ellipse`: an option letter before a word answer.
  const unwrapped = plainText(s).replace(/^\([A-Za-z]\)\s+(?=[A-Za-z]{3,})/, '');
  if (s.replace(/\\text\{[^{}]*\}/g, '').includes('\\')) return null;
  if (!TEXTY.test(unwrapped)) return null;
  const letters = unwrapped.replace(/[()\s]/g, '');
  if (!hadText && letters.length < 3 && !/^\([A-Za-z]\)$/.test(unwrapped)) return null;
  return unwrapped.replace(/[()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function singleLetter(s: string): string | null {
  const t = plainText(s).replace(/[()\s]/g, '');
  return /^[A-Za-z]$/.test(t) ? t.toLowerCase() : null;
}

function percentVariants(s: string): string[] {
  if (!s.endsWith('%')) return [s];
  const base = s.slice(0, -1).trim();
  const n = parseExactNumber(base);
  return n ? [base, `\\frac{${base}}{100}`] : [base];
}

/** Compare two scalar answers (no top-level structure). */
function scalarEqual(gold: string, pred: string, ctx: Ctx): Comparison {
  for (const g of percentVariants(gold)) {
    for (const p of percentVariants(pred)) {
      const c = scalarEqualOnce(g, p, ctx);
      if (c.equal) return c;
    }
  }
  return scalarEqualOnce(gold.replace(/%$/, ''), pred.replace(/%$/, ''), ctx);
}

function scalarEqualOnce(gold: string, pred: string, ctx: Ctx): Comparison {
  const squash = (x: string) => x.replace(/\s+/g, '').replace(/_\{(\w+)\}/g, '_$1');
  if (squash(gold) === squash(pred)) return { equal: true, method: 'exact' };
  const gt = textForm(gold);
  const pt = textForm(pred);
  if (gt !== null || pt !== null) {
    const g = gt ?? singleLetter(gold) ?? squash(gold).toLowerCase();
    const p = pt ?? singleLetter(pred) ?? squash(pred).toLowerCase();
    return { equal: g === p, method: 'text' };
  }
  const gn = parseExactNumber(gold);
  const pn = parseExactNumber(pred);
  if (gn && pn) return { equal: exactNumbersEqual(gn, pn, ctx.relTol), method: 'numeric' };
  if (/^\d+_\w+$/.test(squash(gold)) || /^\d+_\w+$/.test(squash(pred)))
    return { equal: false, method: 'exact' };
  if (Date.now() > ctx.deadline) throw new CheckTimeout();
  const problem =
    ctx.limits === false
      ? null
      : (complexityProblem(gold, ctx.limits) ?? complexityProblem(pred, ctx.limits));
  if (problem) {
    ctx.guarded = problem;
    return { equal: false, method: 'exact', detail: `symbolic step skipped: ${problem}` };
  }
  const decimals = /\d\.\d/.test(gold) || /\d\.\d/.test(pred);
  const outcome = symbolicCompare(gold, pred, decimals ? ctx.relTol : 1e-9);
  if (outcome === 'unknown') return { equal: false, method: 'symbolic', detail: 'could not evaluate' };
  return { equal: outcome === 'equal', method: 'symbolic' };
}

function allEqualInOrder(gold: string[], pred: string[], ctx: Ctx): boolean {
  return gold.length === pred.length && gold.every((g, i) => scalarEqual(g, pred[i] ?? '', ctx).equal);
}

/** Unordered match of two item lists (greedy, fine for the short lists answers have). */
function allEqualAnyOrder<T>(gold: T[], pred: T[], eq: (a: T, b: T) => boolean): boolean {
  if (gold.length !== pred.length) return false;
  if (gold.length > MAX_UNORDERED_ITEMS) {
    const key = (x: T) => JSON.stringify(x).replace(/\s+/g, '');
    return JSON.stringify(gold.map(key).sort()) === JSON.stringify(pred.map(key).sort());
  }
  const used = new Set<number>();
  for (const g of gold) {
    const j = pred.findIndex((p, k) => !used.has(k) && eq(g, p));
    if (j < 0) return false;
    used.add(j);
  }
  return true;
}

function relationValue(s: Extract<Shape, { kind: 'relation' }>): string {
  return s.rhs;
}

/** Assignment-like: the left side is a name (`x`, `k`, `f(2)`, `(p,q)`), so `x = 5` means `5`. */
function isAssignment(s: Extract<Shape, { kind: 'relation' }>): boolean {
  return (
    s.op === '=' &&
    /^[A-Za-z](?:_\{?\w+\}?)?(?:\([^()]*\))?$|^\([A-Za-z, ]+\)$/.test(s.lhs.replace(/\s+/g, ''))
  );
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '\\leq': '\\geq', '\\geq': '\\leq' };

/** `-1 < x < 4` against another chain: same pieces and operators, read either way round. */
function chainsEqual(
  g: Extract<Shape, { kind: 'relation' }>,
  p: Extract<Shape, { kind: 'relation' }>,
  ctx: Ctx,
): boolean {
  if (g.chain.length !== p.chain.length) return false;
  const forward = g.ops.every((o, i) => o === p.ops[i]);
  if (forward && g.chain.every((x, i) => scalarEqual(x, p.chain[i] ?? '', ctx).equal)) return true;
  const n = p.chain.length;
  const backward = g.ops.every((o, i) => FLIP[o] === p.ops[p.ops.length - 1 - i]);
  return backward && g.chain.every((x, i) => scalarEqual(x, p.chain[n - 1 - i] ?? '', ctx).equal);
}

function relationsEqual(
  g: Extract<Shape, { kind: 'relation' }>,
  p: Extract<Shape, { kind: 'relation' }>,
  ctx: Ctx,
): boolean {
  const inequality = [...g.ops, ...p.ops].some((o) => o !== '=');
  if (inequality && (g.chain.length > 2 || p.chain.length > 2)) {
    if (chainsEqual(g, p, ctx)) return true;
    const gi = relationInterval(g);
    const pi = relationInterval(p);
    return gi !== null && pi !== null && shapesEqual(gi, pi, ctx).equal;
  }
  if (isAssignment(g) && isAssignment(p)) {
    return g.lhs.replace(/\s+/g, '') === p.lhs.replace(/\s+/g, '') && scalarEqual(g.rhs, p.rhs, ctx).equal;
  }
  const flip: Record<string, string> = { '<': '>', '>': '<', '\\leq': '\\geq', '\\geq': '\\leq' };
  const same = g.op === p.op;
  const flipped = flip[g.op] === p.op;
  if (!same && !flipped) return false;
  const gd = `(${g.lhs})-(${g.rhs})`;
  const pd = same ? `(${p.lhs})-(${p.rhs})` : `(${p.rhs})-(${p.lhs})`;
  if (scalarEqual(gd, pd, ctx).equal) return true;
  // Equations also match when one side is a multiple of the other (2x+4y-3=0 vs y=-x/2+3/4).
  if (g.op === '=' || g.op === '\\ne') {
    return scalarEqual(gd, `-(${pd})`, ctx).equal || proportional(gd, pd);
  }
  return false;
}

function proportional(a: string, b: string): boolean {
  if (complexityProblem(a) || complexityProblem(b)) return false;
  return constantRatio(a, b);
}

function shapesEqual(g: Shape, p: Shape, ctx: Ctx): Comparison {
  // Equations: `x = 5` means 5; a predicted chain `a = b = 7` means its last value.
  if (g.kind === 'relation' && p.kind === 'relation')
    return { equal: relationsEqual(g, p, ctx), method: 'symbolic' };
  if (p.kind === 'relation' && p.op === '=' && g.kind !== 'relation')
    return shapesEqual(g, shapeOf(relationValue(p)), ctx);
  // An interval against an inequality in one variable (`(1, 4]` vs `1 < x \leq 4`).
  if (g.kind === 'relation' && p.kind === 'sequence') {
    const gi = relationInterval(g);
    if (gi) return shapesEqual(gi, p, ctx);
  }
  if (p.kind === 'relation' && g.kind === 'sequence') {
    const pi = relationInterval(p);
    if (pi) return shapesEqual(g, pi, ctx);
  }
  if (g.kind === 'relation' && isAssignment(g) && p.kind !== 'relation')
    return shapesEqual(shapeOf(relationValue(g)), p, ctx);
  if (g.kind === 'scalar' && p.kind === 'scalar') return scalarEqual(g.latex, p.latex, ctx);
  if (g.kind === 'matrix' && p.kind === 'matrix') {
    const equal =
      g.rows.length === p.rows.length && g.rows.every((row, i) => allEqualInOrder(row, p.rows[i] ?? [], ctx));
    return { equal, method: 'set' };
  }
  const scalarEq = (a: string, b: string) => scalarEqual(a, b, ctx).equal;
  if (g.kind === 'sequence' && p.kind === 'sequence') {
    const equal = g.open === p.open && g.close === p.close && allEqualInOrder(g.items, p.items, ctx);
    return { equal, method: 'set' };
  }
  if (g.kind === 'sequence' && p.kind === 'list' && g.open === '(' && g.close === ')')
    return { equal: allEqualInOrder(g.items, p.items, ctx), method: 'set' };
  if (p.kind === 'sequence' && g.kind === 'list' && p.open === '(' && p.close === ')')
    return { equal: allEqualInOrder(g.items, p.items, ctx), method: 'set' };
  if ((g.kind === 'set' || g.kind === 'list') && (p.kind === 'set' || p.kind === 'list'))
    return { equal: allEqualAnyOrder(g.items, p.items, scalarEq), method: 'set' };
  if (g.kind === 'union' && p.kind === 'union') {
    const equal = allEqualAnyOrder(g.parts, p.parts, (a, b) => shapesEqual(a, b, ctx).equal);
    return { equal, method: 'set' };
  }
  // A one-element set matches its element.
  if (g.kind === 'set' && g.items.length === 1 && p.kind === 'scalar')
    return scalarEqual(g.items[0] ?? '', p.latex, ctx);
  if (p.kind === 'set' && p.items.length === 1 && g.kind === 'scalar')
    return scalarEqual(g.latex, p.items[0] ?? '', ctx);
  return { equal: false, method: 'set', detail: `shape mismatch: ${g.kind} vs ${p.kind}` };
}

/** A lone number with a decimal comma: `1,22`, `0,5`, `3,14159` (a 3-digit group is a thousands separator). */
const DECIMAL_COMMA = /^-?\d+,(?:\d{1,2}|\d{4,})%?$/;

/**
 * European decimal commas: `1,22` means 1.22 when the other side is a single number (not a list such as
 * `1, 22`). `1,000` stays one thousand (normalisation already removed that separator).
 */
function decimalCommas(g: string, p: string): [string, string] {
  const single = (x: string) => !x.includes(',');
  const fix = (x: string) => x.replace(',', '.');
  if (DECIMAL_COMMA.test(p) && single(g)) return [g, fix(p)];
  if (DECIMAL_COMMA.test(g) && single(p)) return [fix(g), p];
  return [g, p];
}

/**
 * Decide whether a predicted answer equals the gold answer, the way Math-Verify does: normalise both,
 * read their structure (tuples, intervals, sets, matrices, equations), then compare values exactly,
 * numerically or symbolically. The symbolic step is guarded against pathological input.
 */
export function compareAnswers(gold: string, pred: string, options: CompareOptions = {}): Comparison {
  const ctx: Ctx = {
    relTol: options.relTol ?? 1e-6,
    limits: options.limits ?? {},
    deadline: Date.now() + (options.timeoutMs ?? 5000),
  };
  if (gold.length > MAX_ANSWER_CHARS || pred.length > MAX_ANSWER_CHARS) {
    const squash = (x: string) => x.replace(/\s+/g, ' ').trim();
    return { equal: squash(gold) === squash(pred), method: 'exact', detail: 'answer too long to normalise' };
  }
  const [g, p] = decimalCommas(normalizeAnswer(gold), normalizeAnswer(pred));
  if (g === '' || p === '') return { equal: false, method: 'none', detail: 'empty answer' };
  if (g === p) return { equal: true, method: 'exact' };
  let result: Comparison;
  try {
    result = shapesEqual(shapeOf(g), shapeOf(p), ctx);
  } catch (error) {
    if (error instanceof CheckTimeout)
      return { equal: false, method: 'timeout', detail: `no verdict within ${options.timeoutMs ?? 5000} ms` };
    throw error;
  }
  if (!result.equal && ctx.guarded && !result.detail)
    return { ...result, detail: `symbolic step skipped: ${ctx.guarded}` };
  return result;
}
