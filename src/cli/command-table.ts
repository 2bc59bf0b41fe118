import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandDef, defineCommand } from 'citty';

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

/** The `distill` root command: its subcommands are the files in `commands/`. */
export const mainCommand = defineCommand({
  meta: {
    name: 'distill',
    version: '0.1.0',
    description:
      'Reasoning distillation: teacher traces → verified data → small student that thinks offline.',
  },
  subCommands: discoverCommands(),
});
