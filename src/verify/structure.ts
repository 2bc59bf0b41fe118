/** The shape of a normalised answer, decided before any value is compared. */
export type Shape =
  | { kind: 'scalar'; latex: string }
  /** `(a, b)`, `[a, b)`, …: ordered; brackets matter (tuples and intervals). */
  | { kind: 'sequence'; items: string[]; open: '(' | '['; close: ')' | ']' }
  /** `\{a, b\}`: unordered. */
  | { kind: 'set'; items: string[] }
  /** A bare `a, b` list: ordered against a sequence, unordered against a set or list. */
  | { kind: 'list'; items: string[] }
  | { kind: 'union'; parts: Shape[] }
  | { kind: 'matrix'; rows: string[][] }
  | { kind: 'relation'; lhs: string; op: RelationOp; rhs: string; chain: string[]; ops: RelationOp[] };

export type RelationOp = '=' | '<' | '>' | '\\leq' | '\\geq' | '\\ne';

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** Split `s` on `sep` at nesting depth 0 (any of `()[]{}` nests; `\{`/`\}` count too). */
export function splitTop(s: string, sep: string | RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
      continue;
    }
    if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) depth--;
    else if (depth === 0) {
      const rest = s.slice(i);
      const m = typeof sep === 'string' ? (rest.startsWith(sep) ? sep : null) : (sep.exec(rest)?.[0] ?? null);
      if (m && (typeof sep === 'string' || sep.exec(rest)?.index === 0)) {
        parts.push(s.slice(start, i).trim());
        i += m.length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

/** Index of the bracket that closes the one at 0, or -1. */
function matchingClose(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
      if (depth === 0) return i;
      continue;
    }
    if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `1 \pm \sqrt{2}` → [`1 + \sqrt{2}`, `1 - \sqrt{2}`]; anything else → [s]. */
export function expandPlusMinus(s: string): string[] {
  const parts = splitTop(s, /^\\(?:pm|mp)(?![a-zA-Z])/);
  if (parts.length !== 2) return [s];
  const [a, b] = parts as [string, string];
  return a === '' ? [`+${b}`, `-${b}`] : [`${a} + ${b}`, `${a} - ${b}`];
}

const RELATION_RE = /^(?:(?:\\leq|\\geq|\\ne)(?![a-zA-Z])|<=|>=|=|<|>)/;

function toOp(raw: string): RelationOp {
  if (raw === '<=') return '\\leq';
  if (raw === '>=') return '\\geq';
  return raw as RelationOp;
}

function parseMatrix(input: string): string[][] | null {
  let s = input.trim();
  // `\left[\begin{array}{c} … \end{array}\right]` (the \left/\right are gone by now): brackets around one matrix.
  const wrapped = /^[([]\s*(\\begin\{([pbB]?matrix|array)\}[\s\S]*\\end\{\2\})\s*[)\]]$/.exec(s);
  if (wrapped?.[1]) s = wrapped[1];
  // vmatrix / Vmatrix are determinants and norms, not matrices.
  const m = /^\\begin\{([pbB]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (!m?.[2]) return null;
  return m[2]
    .split(/\\\\/)
    .map((row) => row.trim())
    .filter((row) => row.length > 0)
    .map((row) => row.split('&').map((cell) => cell.trim()));
}

function relationShape(s: string): Shape | null {
  const pieces: string[] = [];
  const ops: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) depth--;
    else if (depth === 0) {
      const m = RELATION_RE.exec(s.slice(i));
      if (m && !(ch === '\\' && s[i - 1] === '\\')) {
        pieces.push(s.slice(start, i).trim());
        ops.push(m[0]);
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  if (ops.length === 0) return null;
  pieces.push(s.slice(start).trim());
  if (pieces.some((p) => p === '')) return null;
  const op = toOp(ops[ops.length - 1] ?? '=');
  return {
    kind: 'relation',
    lhs: pieces[0] ?? '',
    op,
    rhs: pieces[pieces.length - 1] ?? '',
    chain: pieces,
    ops: ops.map(toOp),
  };
}

const VARIABLE = /^[a-zA-Z](?:_\{?\w+\}?)?$/;
const LOWER: Partial<Record<RelationOp, ')' | ']'>> = { '<': ')', '\\leq': ']' };

/**
 * An inequality in one variable as an interval: `1 < x \leq 4` → `(1, 4]`, `x < 2` → `(-\infty, 2)`,
 * `x \geq 3` → `[3, \infty)`, `|x| \leq 3` → `[-3, 3]`. Null for anything else.
 */
export function relationInterval(r: Extract<Shape, { kind: 'relation' }>): Shape | null {
  const norm = (p: string) => p.replace(/\s+/g, '');
  const pieces = r.chain.map(norm);
  const flip: Record<string, RelationOp> = { '>': '<', '\\geq': '\\leq', '<': '>', '\\leq': '\\geq' };
  let ops = r.ops;
  if (ops.every((o) => o === '>' || o === '\\geq')) {
    pieces.reverse();
    ops = [...ops].reverse().map((o) => flip[o] as RelationOp);
  }
  if (!ops.every((o) => o === '<' || o === '\\leq')) return null;
  const bracket = (o: RelationOp, open: boolean) => (o === '<' ? (open ? '(' : ')') : open ? '[' : ']');
  if (pieces.length === 3 && VARIABLE.test(pieces[1] ?? '')) {
    const [a, , b] = pieces as [string, string, string];
    const [o1, o2] = ops as [RelationOp, RelationOp];
    return {
      kind: 'sequence',
      items: [a, b],
      open: bracket(o1, true) as '(' | '[',
      close: bracket(o2, false) as ')' | ']',
    };
  }
  if (pieces.length !== 2) return null;
  const [a, b] = pieces as [string, string];
  const o = ops[0] as RelationOp;
  const abs = /^\|([a-zA-Z])\|$/.exec(a);
  if (abs && LOWER[o]) {
    return {
      kind: 'sequence',
      items: [`-(${b})`, b],
      open: bracket(o, true) as '(' | '[',
      close: bracket(o, false) as ')' | ']',
    };
  }
  if (VARIABLE.test(a))
    return { kind: 'sequence', items: ['-\\infty', b], open: '(', close: bracket(o, false) as ')' | ']' };
  if (VARIABLE.test(b))
    return { kind: 'sequence', items: [a, '\\infty'], open: bracket(o, true) as '(' | '[', close: ')' };
  return null;
}

/** Decide the shape of a normalised answer. */
export function shapeOf(input: string): Shape {
  let s = input.trim();
  // `x \in [1, 2]` → `[1, 2]`
  s = s.replace(/^[a-zA-Z](?:_\{?\w+\}?)?\s*\\in\s*/, '');
  const matrix = parseMatrix(s);
  if (matrix) return { kind: 'matrix', rows: matrix };
  const unionParts = splitTop(s, /^\\cup(?![a-zA-Z])/);
  if (unionParts.length > 1) return { kind: 'union', parts: unionParts.map(shapeOf) };
  // `x = 5, x = -2` / `a = 1, b = 2`: a list of assigned values.
  const commaParts = splitTop(s, ',');
  if (commaParts.length >= 2 && commaParts.every((p) => /^[a-zA-Z](?:_\{?\w+\}?)?\s*=[^=<>]+$/.test(p)))
    return { kind: 'list', items: commaParts.map((p) => p.slice(p.indexOf('=') + 1).trim()) };
  const relation = relationShape(s);
  if (relation) return relation;
  if (s.startsWith('\\{') && s.endsWith('\\}') && matchingClose(s) === s.length - 1) {
    const items = splitTop(s.slice(2, -2), ',').filter((x) => x !== '');
    return { kind: 'set', items: items.flatMap(expandPlusMinus) };
  }
  const first = s[0];
  const last = s[s.length - 1];
  if (
    (first === '(' || first === '[') &&
    (last === ')' || last === ']') &&
    matchingClose(s) === s.length - 1
  ) {
    const items = splitTop(s.slice(1, -1), ',');
    if (items.length >= 2) return { kind: 'sequence', items, open: first, close: last };
    if (first === '(' && last === ')') return shapeOf(s.slice(1, -1));
  }
  const listed = splitTop(s, ',');
  if (listed.length >= 2 && listed.every((x) => x !== '')) return { kind: 'list', items: listed };
  const pm = expandPlusMinus(s);
  if (pm.length === 2) return { kind: 'list', items: pm };
  return { kind: 'scalar', latex: s };
}
