import { lastBoxed } from './boxed.ts';

/**
 * Words dropped when they trail an answer (units, currencies, counted things), after Math-Verify's
 * unit list. Matched as whole words, optionally plural.
 */
const UNIT_WORDS = [
  'degrees?',
  'deg',
  'radians?',
  'cents?',
  'dollars?',
  'euros?',
  'pounds?',
  'units?',
  'square',
  'sq',
  'cubic',
  'inch(?:es)?',
  'feet',
  'foot',
  'ft',
  'yards?',
  'miles?',
  'mph',
  'kmh',
  'meters?',
  'metres?',
  'centimeters?',
  'millimeters?',
  'kilometers?',
  'km',
  'cm',
  'mm',
  'm',
  'kg',
  'grams?',
  'g',
  'liters?',
  'litres?',
  'ml',
  'gallons?',
  'seconds?',
  'sec',
  'minutes?',
  'mins?',
  'hours?',
  'hrs?',
  'days?',
  'weeks?',
  'months?',
  'years?',
  'people',
  'persons?',
  'students?',
  'apples?',
  'eggs?',
  'points?',
  'ways?',
  'times',
];
const unitWordRe = new RegExp(
  `(?<=[\\d}\\s.])\\s*(?:${UNIT_WORDS.join('|')})(?:\\s*\\^?\\s*\\{?[23]\\}?)?\\s*$`,
  'i',
);
const textUnitRe = /(?<=\S)\s*\\text\{\s*[a-zA-Z][a-zA-Z\s.]*\}(?:\s*\^\s*\{?[23]\}?)?\s*$/;

/** Remove `$`, `\(…\)`, `\[…\]` wrappers and a trailing period. */
function stripDelimiters(s: string): string {
  let out = s.trim();
  for (let i = 0; i < 3; i++) {
    const before = out;
    out = out
      .replace(/^\$\$?([\s\S]*?)\$\$?$/, '$1')
      .replace(/^\\\(([\s\S]*)\\\)$/, '$1')
      .replace(/^\\\[([\s\S]*)\\\]$/, '$1')
      .replace(/[.\s]+$/, '')
      .trim();
    if (out === before) break;
  }
  return out;
}

/** `\frac12` → `\frac{1}{2}`, `\frac 59` → `\frac{5}{9}`, `\frac{270}7` → `\frac{270}{7}`, `\sqrt3` → `\sqrt{3}`. */
function fixShorthand(s: string): string {
  return s
    .replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{')
    .replace(/\\frac\s*(\{[^{}]*\})\s*(\d)/g, '\\frac$1{$2}')
    .replace(/\\frac\s*([a-zA-Z])\s*([a-zA-Z\d])/g, '\\frac{$1}{$2}')
    .replace(/\\sqrt\s*(\d+|[a-zA-Z])/g, '\\sqrt{$1}');
}

/** Remove `\text{…}`-style wrappers while keeping their content. */
function unwrapText(s: string): string {
  let out = s;
  for (let i = 0; i < 4; i++) {
    const next = out.replace(/\\text\{([^{}]*)\}/g, '$1');
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Drop trailing unit words / `\text{ unit}` after a value (never leaving an empty answer). */
export function stripUnits(s: string): string {
  let out = s;
  for (let i = 0; i < 3; i++) {
    const next = out.replace(textUnitRe, '').replace(unitWordRe, '').trim();
    if (next === out || next === '') break;
    out = next;
  }
  return out;
}

/**
 * Normalise an answer's LaTeX the way Math-Verify's normalisation does before comparison:
 * boxed content, math delimiters, `\left`/`\right`, spacing commands, `\!`, `\$`, `\dfrac`/`\tfrac`/`\cfrac`,
 * `\frac12`, `\sqrt3`, degrees (`^\circ`, `^{\circ}`, `°`), `\text`/`\mathrm`/`\mbox` wrappers, trailing units,
 * thousands separators in a lone number, leading-dot decimals. Percent signs become a plain `%`.
 */
export function normalizeAnswer(input: string): string {
  let s = input.replace(/\s+/g, ' ').trim();
  const boxed = s.includes('\\boxed') || s.includes('\\fbox') ? lastBoxed(s) : null;
  if (boxed !== null) s = boxed;
  s = stripDelimiters(s);
  s = s
    .replace(/\r?\n|\t/g, ' ')
    .replace(/\\(?:displaystyle|textstyle|limits|nolimits)(?![a-zA-Z])/g, '')
    .replace(/\\[mM]?(?:left|right)\s*\./g, '')
    .replace(/\\[mM]?(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\s*/g, '')
    .replace(/\\!\s*/g, '')
    .replace(/(?<!\\)\\[,;:>]/g, ' ')
    .replace(/\\(?:q?quad)(?![a-zA-Z])/g, ' ')
    .replace(/(?<!\\)\\ /g, ' ')
    .replace(/~/g, ' ')
    .replace(/\{\s*,\s*\}/g, ',')
    .replace(/\\\$/g, '')
    .replace(/\$/g, '')
    .replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac')
    .replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom')
    .replace(
      /\\(?:textbf|textnormal|textit|textrm|textup|mathrm|mathbf|mathit|mbox|operatorname)\s*\{/g,
      '\\text{',
    )
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g, '')
    .replace(/\\%/g, '%')
    .replace(/\\lt(?![a-zA-Z])/g, '<')
    .replace(/\\gt(?![a-zA-Z])/g, '>')
    .replace(/\\leqslant(?![a-zA-Z])/g, '\\leq')
    .replace(/\\geqslant(?![a-zA-Z])/g, '\\geq')
    .replace(/\\varnothing(?![a-zA-Z])|\\\{\s*\\\}|\\empty(?![a-zA-Z])/g, '\\emptyset')
    .replace(/\\mathbb\s*\{?\s*R\s*\}?/g, '(-\\infty,\\infty)')
    .replace(/\\le(?![a-zA-Z])/g, '\\leq')
    .replace(/\\ge(?![a-zA-Z])/g, '\\geq')
    .replace(/\\neq?(?![a-zA-Z])|!=/g, '\\ne')
    .replace(/<=/g, '\\leq')
    .replace(/>=/g, '\\geq')
    .replace(/(?<![a-zA-Z\\])(?:infinity|inf)(?![a-zA-Z])/g, '\\infty')
    .replace(/\\text\{\s*\}/g, '')
    .replace(/,?\s*\\text\{\s*(?:and|or)\s*\}\s*/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
  s = fixShorthand(s);
  s = approxValue(s);
  s = evaluateCounts(s);
  while (/^\{[^{}]*\}$/.test(s)) s = s.slice(1, -1).trim();
  s = s.replace(/\s*(?:\\text\{\s*)?(?:percent(?:age)?|pct)\}?$/i, '%');
  s = stripUnits(s);
  s = s.replace(/\s*%$/, '%').trim();
  // A lone number with thousands separators: 1,234,567.5 → 1234567.5 (a list like `32, 349` is kept).
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$/.test(s)) s = s.replace(/,/g, '');
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?%?$/.test(s)) s = s.replace(/ /g, '');
  s = s.replace(/(^|[^\d])\.(\d)/g, '$10.$2');
  // `x \in [1,2]` / `x = 5` style prefixes are handled structurally; here only `\text{…}` unwrapping remains.
  if (/^\\text\{[^{}]*\}$/.test(s)) s = unwrapText(s).trim();
  return s.replace(/(?<!\\)[.,\s]+$/, '').trim();
}

/**
 * `t \approx 2.5` → `2.5`; `\frac{7}{3} \approx 2.33` → `\frac{7}{3}` (the exact side wins when the left is
 * not just a name).
 */
function approxValue(s: string): string {
  const at = s.search(/\\approx(?![a-zA-Z])/);
  if (at < 0) return s;
  const lhs = s.slice(0, at).trim();
  const rhs = s.slice(at + '\\approx'.length).trim();
  if (lhs === '' || /^[A-Za-z](?:_\{?\w+\}?)?$/.test(lhs)) return rhs;
  return lhs;
}

function factorial(n: number): bigint {
  let out = 1n;
  for (let k = 2n; k <= BigInt(n); k++) out *= k;
  return out;
}

/** Small integer binomials and factorials written out (`\binom{8}{3}` → `56`, `5!` → `120`). */
function evaluateCounts(s: string): string {
  return s
    .replace(/\\binom\s*\{\s*(\d{1,2})\s*\}\s*\{\s*(\d{1,2})\s*\}/g, (_whole, n: string, k: string) => {
      const a = Number(n);
      const b = Number(k);
      if (b > a) return '0';
      return String(factorial(a) / (factorial(b) * factorial(a - b)));
    })
    .replace(/(?<![\d.])(\d{1,2})\s*!(?!\s*!)/g, (whole, n: string) =>
      Number(n) <= 20 ? String(factorial(Number(n))) : whole,
    );
}

/** `\text{…}` removed everywhere (used for text answers such as `\text{(C)}`). */
export function plainText(s: string): string {
  return unwrapText(s)
    .replace(/[{}\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
