import { type CommandDef, runCommand, showUsage } from 'citty';
import { mainCommand } from './command-table.ts';
import { reportError } from './output.ts';
import { checkOptions } from './strict-options.ts';

async function findLeaf(rawArgs: string[]): Promise<{ cmd: CommandDef; parent?: CommandDef }> {
  let cmd: CommandDef = mainCommand;
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
  await checkOptions(mainCommand, rawArgs);
  await runCommand(mainCommand, { rawArgs });
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  process.exitCode = reportError(error, process.argv.includes('--json'));
}
