import type { ArgsDef, CommandDef } from 'citty';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { DEFAULT_KEY_ENV } from '../teachers/api-keys.ts';
import { PROVIDERS, type ProviderName } from '../teachers/uri.ts';

type Resolvable<T> = T | (() => T) | (() => Promise<T>) | Promise<T>;

async function resolve<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/** Edit distance between two option names (insertions, deletions, substitutions and adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The closest of `candidates` to `name`, when it is close enough to be a plausible typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const c of candidates) {
    const prefix = c.startsWith(name) || name.startsWith(c);
    // A prefix match beats an edit; among prefix matches the closest in length wins (--keep-force: --keep-forced).
    const score =
      prefix && Math.min(c.length, name.length) >= 3
        ? 0.5 + Math.abs(c.length - name.length) / 1000
        : editDistance(name, c);
    if (!best || score < best.score) best = { name: c, score };
  }
  if (!best) return undefined;
  const allowed = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  return best.score <= allowed && best.score < name.length ? best.name : undefined;
}

interface OptionTable {
  /** Every spelling accepted for an option (name, camelCase, aliases) → its canonical name. */
  spellings: Map<string, string>;
  /** Canonical names of options that take a value (string/enum): the next token is their value. */
  valued: Set<string>;
  /** Canonical names of boolean options (those accept `--no-NAME`). */
  booleans: Set<string>;
  /** Canonical names, as shown in suggestions. */
  names: string[];
}

/** The aliases an option definition declares (positional definitions have none). */
export function aliasesOf(def: ArgsDef[string]): string[] {
  const alias = 'alias' in def ? def.alias : undefined;
  return alias === undefined ? [] : [alias].flat();
}

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function optionTable(args: ArgsDef): OptionTable {
  const table: OptionTable = { spellings: new Map(), valued: new Set(), booleans: new Set(), names: [] };
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue;
    table.names.push(name);
    for (const s of [name, camel(name), ...aliasesOf(def)]) table.spellings.set(s, name);
    if (def.type === 'boolean') table.booleans.add(name);
    else table.valued.add(name);
  }
  return table;
}

const KEY_OPTION = /^(api[-_]?key|apikey|key|token|secret)$/i;

/** `--api-key` where keys are not taken on the command line: say where the key goes instead. */
function refusedKey(flag: string, rawArgs: readonly string[]): InvalidInputError {
  const provider = rawArgs
    .map((a) => a.slice(a.indexOf('=') + 1).split(':')[0] as ProviderName)
    .find((p) => PROVIDERS.includes(p) && DEFAULT_KEY_ENV[p]);
  const env = provider
    ? DEFAULT_KEY_ENV[provider]
    : Object.values(DEFAULT_KEY_ENV).filter(Boolean).slice(0, 4).join(', ');
  return new InvalidInputError(
    `${flag} is refused: API keys are not taken on the command line (they would show in ps and shell history)`,
    {
      hint: `set ${provider ? env : `the provider's env var (${env}, …)`} in the environment, or put it in ~/.config/distill/keys.json`,
      field: 'api-key',
    },
  );
}

function unknownOption(token: string, name: string, table: OptionTable, path: string): InvalidInputError {
  const negated = name.startsWith('no-') ? name.slice(3) : undefined;
  const pool = [...table.names, ...[...table.booleans].map((b) => `no-${b}`)];
  const guess = closestName(name, pool);
  const flag = token.split('=')[0];
  if (negated !== undefined && table.spellings.has(negated))
    return new InvalidInputError(`${flag}: --${negated} takes a value, it cannot be negated`, {
      hint: `run \`${path} --help\` to see the options`,
      field: negated,
    });
  return new InvalidInputError(`unknown option ${flag}${guess ? `; did you mean --${guess}?` : ''}`, {
    hint: `run \`${path} --help\` to see the options`,
    field: name,
  });
}

function unknownCommand(word: string, subs: Record<string, unknown>, path: string): InvalidInputError {
  const guess = closestName(word, Object.keys(subs));
  return new InvalidInputError(
    `unknown command '${word}'${guess ? `; did you mean '${path} ${guess}'?` : ''}`,
    {
      hint: `run \`${path} --help\` to see the commands`,
    },
  );
}

/**
 * Reject any option the command line names that the (sub)command it reaches does not define, with the closest
 * valid name. Checks each token against the command it belongs to (options after a subcommand belong to the
 * subcommand), accepts `--name=value`, `--no-NAME` for boolean options, camelCase spellings and aliases, and stops at `--`.
 * Throws InvalidInputError (exit 2).
 */
export async function checkOptions(root: CommandDef, rawArgs: readonly string[]): Promise<void> {
  let cmd = root;
  let path = (await resolve(root.meta ?? {}))?.name ?? 'distill';
  let table = optionTable(await resolve(cmd.args ?? {}));
  let positionalsSeen = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] as string;
    if (token === '--') return;
    if (token === '-h' || token === '--help') continue;
    if (token.startsWith('-') && token !== '-' && !/^-\d/.test(token)) {
      const long = token.startsWith('--');
      const body = token.slice(long ? 2 : 1);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const canonical = long || name.length === 1 ? table.spellings.get(name) : undefined;
      if (canonical !== undefined) {
        if (eq < 0 && table.valued.has(canonical)) i++; // its value is the next token
        continue;
      }
      if (long && name.startsWith('no-') && eq < 0) {
        const negated = table.spellings.get(name.slice(3));
        if (negated !== undefined && table.booleans.has(negated)) continue;
      }
      if (long && KEY_OPTION.test(name)) throw refusedKey(token.split('=')[0] as string, rawArgs);
      throw unknownOption(token, name, table, path);
    }
    const subs = await resolve(cmd.subCommands ?? {});
    const hasSubs = Object.keys(subs).length > 0;
    if (hasSubs && Object.hasOwn(subs, token)) {
      cmd = await resolve(subs[token] as Resolvable<CommandDef>);
      path = `${path} ${token}`;
      table = optionTable(await resolve(cmd.args ?? {}));
      positionalsSeen = 0;
      continue;
    }
    const args = await resolve(cmd.args ?? {});
    const positionals = Object.values(args).filter((a) => a.type === 'positional').length;
    if (hasSubs && positionals === 0 && positionalsSeen === 0) throw unknownCommand(token, subs, path);
    positionalsSeen++;
  }
}
