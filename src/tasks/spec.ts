import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { validate } from '../core/validate.ts';
import { SHIPPED_DATASET_NAMES, SHIPPED_DATASETS } from './datasets/shipped.ts';
import { familyNames, getFamily } from './registry.ts';
import { type TaskSpec, type TaskSpecEntry, TaskSpecEntrySchema } from './spec-schema.ts';

const DATASETS: readonly string[] = SHIPPED_DATASET_NAMES;
const SPEC_HELP =
  'entries are comma-separated: FAMILY:COUNT:SPLIT[:level=N][:seed=S], gsm8k[:N], math500[:N], humaneval[:N], builtin-eval[:N], jsonl:PATH[:N][:prompt=F][:gold=F], parquet:PATH[:N]';

function fail(entry: string, message: string, hint = SPEC_HELP): never {
  throw new InvalidInputError(`Task spec entry '${entry}': ${message}`, { hint, field: 'spec' });
}

function int(entry: string, what: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min)
    fail(entry, `${what} must be an integer ≥ ${min}, got '${text}'`);
  return n;
}

/** Split `a:b:k=v:k2=v2` into positional parts and `key=value` options. */
function splitParts(entry: string, parts: string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq > 0) options.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    else if (options.size > 0)
      fail(entry, `'${part}' comes after key=value options; put counts and splits first`);
    else positional.push(part.trim());
  }
  return { positional, options };
}

function takeOptions(entry: string, options: Map<string, string>, allowed: readonly string[]): void {
  for (const key of options.keys())
    if (!allowed.includes(key)) fail(entry, `unknown option '${key}'`, `options here: ${allowed.join(', ')}`);
}

function parseBoolean(entry: string, key: string, text: string): boolean {
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  return fail(entry, `${key} must be 0 or 1, got '${text}'`);
}

function parseEntry(entry: string): TaskSpecEntry {
  const [head = '', ...rest] = entry.split(':');
  const name = head.trim();
  const { positional, options } = splitParts(entry, rest);
  const seed = options.has('seed') ? int(entry, 'seed', options.get('seed') ?? '', -(2 ** 31)) : undefined;
  if (name === 'jsonl' || name === 'parquet') {
    takeOptions(entry, options, ['prompt', 'gold', 'reasoning', 'id', 'offset', 'name']);
    const [path, count, extra] = positional;
    if (!path) fail(entry, `${name} needs a file path, e.g. ${name}:data/train.${name}:100`);
    if (extra !== undefined) fail(entry, `unexpected '${extra}'`);
    const fields = Object.fromEntries(
      ['prompt', 'gold', 'reasoning', 'id'].flatMap((k) => (options.has(k) ? [[k, options.get(k)]] : [])),
    );
    return validate(
      TaskSpecEntrySchema,
      {
        kind: 'file',
        format: name,
        path,
        count: count === undefined ? undefined : int(entry, 'count', count, 1),
        offset: options.has('offset') ? int(entry, 'offset', options.get('offset') ?? '', 0) : undefined,
        name: options.get('name'),
        fields,
      },
      `task spec entry '${entry}'`,
    );
  }
  if (DATASETS.includes(name) || name === 'builtin-eval') {
    const [count, extra] = positional;
    if (extra !== undefined) fail(entry, `unexpected '${extra}'`);
    const n = count === undefined ? undefined : int(entry, 'count', count, 1);
    if (name === 'builtin-eval') {
      takeOptions(entry, options, ['seed']);
      return validate(TaskSpecEntrySchema, { kind: 'builtin-eval', perLevel: n, seed }, 'task spec entry');
    }
    takeOptions(entry, options, ['offset', 'file']);
    const offset = options.has('offset') ? int(entry, 'offset', options.get('offset') ?? '', 0) : undefined;
    const shipped = SHIPPED_DATASETS[name as keyof typeof SHIPPED_DATASETS];
    const left = Math.max(0, shipped.rows - (offset ?? 0));
    if (!options.has('file') && (n !== undefined ? n > left : left === 0))
      fail(
        entry,
        `${name} holds ${shipped.rows} rows, asked for ${n ?? 'the rest'}${offset ? ` from offset ${offset} (${left} left)` : ''}`,
        left > 0
          ? `ask for at most ${left} (${name}:${left}${offset ? `:offset=${offset}` : ''}), or point at a larger slice with ${name}:N:file=PATH.jsonl`
          : `the offset must be below ${shipped.rows}`,
      );
    return validate(
      TaskSpecEntrySchema,
      { kind: 'shipped', dataset: name, count: n, offset, file: options.get('file') },
      'task spec entry',
    );
  }
  if (!familyNames().includes(name))
    fail(
      entry,
      `unknown family or dataset '${name}'`,
      `valid families: ${familyNames().join(', ')}; datasets: ${DATASETS.join(', ')}, builtin-eval, jsonl:PATH, parquet:PATH`,
    );
  takeOptions(entry, options, ['level', 'seed', 'unique']);
  const [countText, splitText = 'train', extra] = positional;
  if (countText === undefined || countText === '')
    fail(entry, `a count is required, e.g. ${name}:1000:train`);
  if (extra !== undefined) fail(entry, `unexpected '${extra}'`);
  const count = int(entry, 'count', countText, 1);
  if (splitText !== 'train' && splitText !== 'eval')
    fail(entry, `unknown split '${splitText}'`, 'splits are train and eval');
  let level: number | undefined;
  if (options.has('level')) {
    const family = getFamily(name);
    level = int(entry, 'level', options.get('level') ?? '', 1);
    if (level > family.levels) fail(entry, `level must be 1..${family.levels} for '${name}', got ${level}`);
  }
  const unique = options.has('unique')
    ? parseBoolean(entry, 'unique', options.get('unique') ?? '')
    : undefined;
  return validate(
    TaskSpecEntrySchema,
    { kind: 'builtin', family: name, count, split: splitText, level, seed, unique },
    'task spec entry',
  );
}

/**
 * Parse a task spec, the one syntax every command that takes tasks uses:
 * comma-separated entries `add:2000:train,multiply:500:eval:level=2,gsm8k:50,jsonl:data.jsonl:100:prompt=q`.
 * Throws an InvalidInputError naming the bad entry and what is valid.
 */
export function parseTaskSpec(spec: string): TaskSpec {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0)
    throw new InvalidInputError('Empty task spec', { hint: SPEC_HELP, field: 'spec' });
  return { entries: entries.map(parseEntry) };
}

/** A spec given as text, parsed entries, or a parsed spec (e.g. from a recipe file), normalised. */
export function toTaskSpec(spec: string | TaskSpec | readonly unknown[]): TaskSpec {
  if (typeof spec === 'string') return parseTaskSpec(spec);
  const raw = Array.isArray(spec) ? spec : (spec as TaskSpec).entries;
  return { entries: raw.map((e, i) => validate(TaskSpecEntrySchema, e, `task spec entry ${i + 1}`)) };
}
