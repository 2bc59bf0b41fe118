/** An exact rational read from a plain number answer; `decimal` marks a value written with a decimal point. */
export interface ExactNumber {
  num: bigint;
  den: bigint;
  decimal: boolean;
}

const intRe = /^-?\d+$/;
const decRe = /^(-?)(\d*)\.(\d+)$/;
const slashRe = /^(-?)\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/;
const fracRe = /^(-?)\s*\\frac\{\s*(-?\d+(?:\.\d+)?)\s*\}\{\s*(-?\d+(?:\.\d+)?)\s*\}$/;
const mixedRe = /^(-?)(\d+)\s*\\frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function make(num: bigint, den: bigint, decimal: boolean): ExactNumber | null {
  if (den === 0n) return null;
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den);
  return { num: (sign * num) / g, den: (sign * den) / g, decimal };
}

function readDecimal(s: string): ExactNumber | null {
  if (intRe.test(s)) return make(BigInt(s), 1n, false);
  const m = decRe.exec(s);
  if (!m) return null;
  const digits = `${m[2] || '0'}${m[3]}`;
  const den = 10n ** BigInt(m[3]?.length ?? 0);
  return make((m[1] === '-' ? -1n : 1n) * BigInt(digits), den, true);
}

function divide(a: ExactNumber, b: ExactNumber, negate: boolean): ExactNumber | null {
  return make((negate ? -1n : 1n) * a.num * b.den, a.den * b.num, a.decimal || b.decimal);
}

/**
 * Read a plain number: `-12`, `3.5`, `.25`, `14/3`, `\frac{14}{3}`, `-\frac{1}{2}`, mixed `1\frac{4}{5}`.
 * Returns null for anything else (that goes to the symbolic checker). Numbers longer than 400
 * characters are refused.
 */
export function parseExactNumber(text: string): ExactNumber | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 400) return null;
  const plain = readDecimal(s);
  if (plain) return plain;
  const slash = slashRe.exec(s) ?? fracRe.exec(s);
  if (slash) {
    const a = readDecimal(slash[2] ?? '');
    const b = readDecimal(slash[3] ?? '');
    return a && b ? divide(a, b, slash[1] === '-') : null;
  }
  const mixed = mixedRe.exec(s);
  if (mixed) {
    const whole = BigInt(mixed[2] ?? '0');
    const n = BigInt(mixed[3] ?? '0');
    const d = BigInt(mixed[4] ?? '1');
    return make((mixed[1] === '-' ? -1n : 1n) * (whole * d + n), d, false);
  }
  return null;
}

/** The nearest double to an exact number. */
export function toFloat(x: ExactNumber): number {
  return Number(x.num) / Number(x.den);
}

/** Equal within a relative tolerance (absolute near zero). */
export function closeEnough(a: number, b: number, relTol: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  const scale = Math.max(1, Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= relTol * scale;
}

/**
 * Compare two exact numbers: equal rationals are equal; when either was written with a decimal point,
 * values within `relTol` also count (so `0.3333333` matches `1/3`, `16386.17` matches `16386.169…`).
 */
export function exactNumbersEqual(a: ExactNumber, b: ExactNumber, relTol: number): boolean {
  if (a.num === b.num && a.den === b.den) return true;
  if (!a.decimal && !b.decimal) return false;
  return closeEnough(toFloat(a), toFloat(b), relTol);
}
