import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandDef, defineCommand, runCommand, showUsage } from 'citty';
import { reportError } from './output.ts';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/** Every `src/cli/commands/<name>.ts` exporting `command` becomes `distill <name>` (files starting with `_` are helpers). */
function discoverCommands(): Record<string, () => Promise<CommandDef>> {
  const entries: Record<string, () => Promise<CommandDef>> = {};
  for (const file of readdirSync(commandsDir).sort()) {
    if (!file.endsWith('.ts') || file.startsWith('_') || file.includes('.test.')) continue;
    const name = basename(file, '.ts');
    entries[name] = async () => ((await import(join(commandsDir, file))) as { command: CommandDef }).command;
  }
  return entries;
}

const main = defineCommand({
  meta: {
    name: 'distill',
    version: '0.1.0',
    description:
      'Reasoning distillation: teacher traces → verified data → small student that thinks offline.',
  },
  subCommands: discoverCommands(),
});

async function findLeaf(rawArgs: string[]): Promise<{ cmd: CommandDef; parent?: CommandDef }> {
  let cmd: CommandDef = main;
  let parent: CommandDef | undefined;
  for (const arg of rawArgs) {
    if (arg.startsWith('-')) break;
    const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[arg];
    if (!next) break;
    parent = cmd;
    cmd = typeof next === 'function' ? await next() : await next;
  }
  return parent ? { cmd, parent } : { cmd };
}

async function run(rawArgs: string[]): Promise<void> {
  if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
    const { cmd, parent } = await findLeaf(rawArgs);
    await showUsage(cmd, parent);
    return;
  }
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write('0.1.0\n');
    return;
  }
  await runCommand(main, { rawArgs });
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  process.exitCode = reportError(error, process.argv.includes('--json'));
}
