import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ArgsDef, CommandDef } from 'citty';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { mainCommand } from './command-table.ts';
import { exportOllamaCommand } from './commands/_export-ollama.ts';
import { aliasesOf, checkOptions, closestName } from './strict-options.ts';

const bin = fileURLToPath(new URL('../../bin/distill.mjs', import.meta.url));
const exec = promisify(execFile);

type Resolvable<T> = T | (() => T) | (() => Promise<T>);
const resolve = async <T>(v: Resolvable<T>): Promise<T> =>
  typeof v === 'function' ? await (v as () => T | Promise<T>)() : v;

/** Every command and subcommand of `distill`, as [words, definition]. */
async function allCommands(): Promise<Array<[string[], CommandDef]>> {
  const out: Array<[string[], CommandDef]> = [];
  const walk = async (words: string[], cmd: CommandDef): Promise<void> => {
    if (words.length > 0) out.push([words, cmd]);
    const subs = (await resolve(cmd.subCommands ?? {})) as Record<string, Resolvable<CommandDef>>;
    for (const [name, sub] of Object.entries(subs)) await walk([...words, name], await resolve(sub));
  };
  await walk([], mainCommand);
  return out;
}

const rootWithOllama: CommandDef = {
  meta: { name: 'distill' },
  subCommands: { export: { subCommands: { ollama: exportOllamaCommand } } },
};

async function rejection(root: CommandDef, argv: string[]): Promise<InvalidInputError> {
  const error = await checkOptions(root, argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, argv.join(' ')).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('checkOptions over every command', async () => {
  const commands = [
    ...(await allCommands()),
    [['export', 'ollama'], exportOllamaCommand] as [string[], CommandDef],
  ];
  const rootFor = (words: string[]): CommandDef => (words[1] === 'ollama' ? rootWithOllama : mainCommand);

  it('covers the whole table (every top-level file and the nested subcommands)', () => {
    const names = commands.map(([w]) => w.join(' '));
    for (const n of [
      'train',
      'generate',
      'eval',
      'serve',
      'runs list',
      'runs show',
      'setup trainer',
      'tasks list',
      'export ollama',
    ])
      expect(names).toContain(n);
  });

  it.each(commands.map(([words, cmd]) => [words.join(' '), words, cmd] as const))(
    '%s accepts each of its options and rejects misspellings with the closest name',
    async (_label, words, cmd) => {
      const args = (await resolve(cmd.args ?? {})) as ArgsDef;
      const root = rootFor(words);
      for (const [name, def] of Object.entries(args)) {
        if (def.type === 'positional') continue;
        const valued = def.type !== 'boolean';
        // accepted: --name [value], --name=value, --no-name for booleans, aliases
        await checkOptions(root, [...words, `--${name}`, ...(valued ? ['v'] : [])]);
        await checkOptions(root, [...words, `--${name}=v`]);
        if (!valued) await checkOptions(root, [...words, `--no-${name}`]);
        for (const alias of aliasesOf(def))
          await checkOptions(root, [
            ...words,
            alias.length === 1 ? `-${alias}` : `--${alias}`,
            ...(valued ? ['v'] : []),
          ]);
        // a valued option swallows the next token even when it looks like an option (e.g. a negative number)
        if (valued) await checkOptions(root, [...words, `--${name}`, '-1']);
        else {
          const e = await rejection(root, [...words, `--${name}`, '--definitely-not-an-option']);
          expect(e.message).toContain('--definitely-not-an-option');
        }
        // rejected: one letter dropped (for names long enough to be unambiguous) names the option meant
        if (name.length >= 5) {
          const typo = `${name.slice(0, -1)}`;
          if (Object.hasOwn(args, typo)) continue;
          const e = await rejection(root, [...words, `--${typo}`, 'v']);
          expect(e.message).toBe(`unknown option --${typo}; did you mean --${name}?`);
          expect(e.exitCode).toBe(2);
        }
        if (valued) {
          const e = await rejection(root, [...words, `--no-${name}`]);
          expect(e.message).toContain('cannot be negated');
        }
      }
      const e = await rejection(root, [...words, '--distill-mode', 'forward-kl']);
      expect(e.message).toMatch(/^unknown option --distill-mode/);
      expect(e.hint).toContain(`distill ${words.join(' ')} --help`);
    },
  );
});

describe('checkOptions', () => {
  it('checks options before a subcommand against the parent and after it against the subcommand', async () => {
    await checkOptions(mainCommand, ['runs', 'list', '--kind', 'generate', '--json']);
    const e = await rejection(mainCommand, ['runs', 'show', 'r1', '--kind', 'x']);
    expect(e.message).toContain('unknown option --kind');
  });

  it('suggests the closest command for an unknown one', async () => {
    const e = await rejection(mainCommand, ['tran', '--out', 'x']);
    expect(e.message).toBe("unknown command 'tran'; did you mean 'distill train'?");
    expect((await rejection(mainCommand, ['runs', 'lst'])).message).toContain("'distill runs list'");
  });

  it('stops at -- and lets positionals through', async () => {
    await checkOptions(mainCommand, ['chat', 'model.gguf', '--', '--anything']);
    await checkOptions(mainCommand, ['runs', 'show', 'r1', '--json']);
  });

  it('suggests only plausible names', () => {
    expect(closestName('max-step', ['max-steps', 'seed'])).toBe('max-steps');
    expect(closestName('tempreature', ['temperature', 'top-p'])).toBe('temperature');
    expect(closestName('kd', ['lr', 'out', 'seed'])).toBeUndefined();
    expect(closestName('frobnicate', ['out', 'seed'])).toBeUndefined();
  });
});

describe('distill (spawned)', () => {
  const distill = async (...args: string[]): Promise<{ code: number; stderr: string }> =>
    exec(process.execPath, [bin, ...args]).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it.concurrent('exits 2 with the closest name for a misspelt option, before doing anything', async () => {
    const r = await distill('train', '--max-step', '10', '--data', 'missing.jsonl', '--out', 'x.gguf');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unknown option --max-step; did you mean --max-steps?');
  });

  it.concurrent('exits 2 for a flag that does not exist', async () => {
    const r = await distill(
      'train',
      '--distill-mode',
      'forward-kl',
      '--data',
      'missing.jsonl',
      '--out',
      'x.gguf',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --distill-mode');
  });
});

describe('--api-key where keys are not taken on the command line', () => {
  it('is refused loudly with the env var of the teacher named on the line', async () => {
    const e = await rejection(mainCommand, [
      'generate',
      '--teacher',
      'deepseek:deepseek-reasoner',
      '--api-key',
      'sk-x',
    ]);
    expect(e.message).toContain('--api-key is refused');
    expect(e.hint).toContain('DEEPSEEK_API_KEY');
    expect(e.exitCode).toBe(2);
    const e2 = await rejection(mainCommand, [
      'eval',
      '--model=openai-compatible:http://h/v1#m',
      '--api-key=sk-x',
    ]);
    expect(e2.hint).toContain('OPENAI_COMPATIBLE_API_KEY');
    const e3 = await rejection(mainCommand, ['curate', 'run1', '--token', 'x']);
    expect(e3.hint).toContain("provider's env var");
  });

  it('is accepted where the command defines it', async () => {
    await checkOptions(mainCommand, ['serve', 'm.gguf', '--api-key', 'k']);
  });
});
