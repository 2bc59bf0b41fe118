import { ComputeEngine } from '@cortex-js/compute-engine';
import { closeEnough } from './number.ts';

type Expr = ReturnType<ComputeEngine['parse']>;

/** Outcome of the symbolic step: equal, not equal, or unable to decide (parse failure, not numeric). */
export type SymbolicOutcome = 'equal' | 'different' | 'unknown';

let engine: ComputeEngine | undefined;

/** One shared engine in machine precision with a per-evaluation time limit. */
function getEngine(): ComputeEngine {
  if (!engine) {
    engine = new ComputeEngine();
    engine.precision = 'machine';
    engine.timeLimit = 2000;
  }
  return engine;
}

const parseCache = new Map<string, Expr | null>();

function hasError(json: unknown): boolean {
  if (json === 'Nothing') return true;
  if (!Array.isArray(json)) return false;
  if (json[0] === 'Error') return true;
  return json.some(hasError);
}

/** Parse LaTeX with the compute engine; null when it does not parse cleanly. Cached (small LRU). */
export function parseLatex(latex: string): Expr | null {
  const hit = parseCache.get(latex);
  if (hit !== undefined) return hit;
  let expr: Expr | null = null;
  try {
    const parsed = getEngine().parse(latex);
    expr = parsed.isValid && !hasError(parsed.json) ? parsed : null;
  } catch {
    expr = null;
  }
  if (parseCache.size > 2000) parseCache.delete(parseCache.keys().next().value as string);
  parseCache.set(latex, expr);
  return expr;
}

interface Complex {
  re: number;
  im: number;
}

function numericValue(expr: Expr, values?: Record<string, number>): Complex | null {
  try {
    const ce = getEngine();
    const target = values
      ? expr.subs(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, ce.number(v)])))
      : expr;
    const n = target.N();
    const re = n.re;
    const im = n.im;
    if (typeof re !== 'number' || Number.isNaN(re)) return null;
    return { re, im: typeof im === 'number' && !Number.isNaN(im) ? im : 0 };
  } catch {
    return null;
  }
}

function complexClose(a: Complex, b: Complex, relTol: number): boolean {
  return closeEnough(a.re, b.re, relTol) && closeEnough(a.im, b.im, relTol);
}

/** Deterministic sample points for free variables (avoid 0, 1 and integers, where identities coincide). */
const SAMPLES = [0.5772, 1.3247, 2.2361, -0.6183, 2.9183];

function sameUnknowns(a: Expr, b: Expr): string[] | null {
  const ua = [...a.unknowns].sort();
  const ub = [...b.unknowns].sort();
  if (ua.length !== ub.length || ua.some((u, i) => u !== ub[i])) return null;
  return ua;
}

/**
 * Compare two LaTeX expressions with the compute engine. Constant expressions are compared by value
 * (relative tolerance `relTol`); expressions with variables must use the same variables and agree at
 * several sample points. Structural identity (`isSame`) short-cuts both.
 */
export function symbolicCompare(goldLatex: string, predLatex: string, relTol: number): SymbolicOutcome {
  const gold = parseLatex(goldLatex);
  const pred = parseLatex(predLatex);
  if (!gold || !pred) return 'unknown';
  try {
    if (gold.isSame(pred)) return 'equal';
  } catch {
    // fall through to numeric comparison
  }
  const vars = sameUnknowns(gold, pred);
  if (vars === null) return 'different';
  if (vars.length === 0) {
    const a = numericValue(gold);
    const b = numericValue(pred);
    if (!a || !b) return 'unknown';
    if (!Number.isFinite(a.re) || !Number.isFinite(b.re)) return 'unknown';
    return complexClose(a, b, relTol) ? 'equal' : 'different';
  }
  let compared = 0;
  for (let i = 0; i < SAMPLES.length; i++) {
    const values = Object.fromEntries(vars.map((v, j) => [v, SAMPLES[(i + j) % SAMPLES.length]! + j * 0.1]));
    const a = numericValue(gold, values);
    const b = numericValue(pred, values);
    if (!a || !b || !Number.isFinite(a.re) || !Number.isFinite(b.re)) continue;
    if (!complexClose(a, b, Math.max(relTol, 1e-9))) return 'different';
    compared++;
  }
  return compared >= 2 ? 'equal' : 'unknown';
}

/**
 * True when `a / b` is the same non-zero constant at every sample point (`a` and `b` use the same
 * variables): two equations `a = 0` and `b = 0` then describe the same thing.
 */
export function constantRatio(aLatex: string, bLatex: string): boolean {
  const a = parseLatex(aLatex);
  const b = parseLatex(bLatex);
  if (!a || !b) return false;
  const vars = sameUnknowns(a, b);
  if (vars === null || vars.length === 0) return false;
  let ratio: number | undefined;
  let compared = 0;
  for (let i = 0; i < SAMPLES.length; i++) {
    const values = Object.fromEntries(vars.map((v, j) => [v, SAMPLES[(i + j) % SAMPLES.length]! + j * 0.1]));
    const x = numericValue(a, values);
    const y = numericValue(b, values);
    if (!x || !y || x.im !== 0 || y.im !== 0 || y.re === 0 || !Number.isFinite(x.re / y.re)) continue;
    const r = x.re / y.re;
    if (r === 0) return false;
    if (ratio === undefined) ratio = r;
    else if (!closeEnough(r, ratio, 1e-9)) return false;
    compared++;
  }
  return compared >= 3;
}
