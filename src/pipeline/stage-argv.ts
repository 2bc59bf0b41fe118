import type { Stage } from './recipe-schema.ts';
import { type SubstitutionScope, substitute } from './substitute.ts';

/** The command line of a stage: `command positional… --key value…` with `${…}` substituted. */
export function stageArgv(stage: Stage, scope: SubstitutionScope): string[] {
  const where = `stage '${stage.id}'`;
  const argv: string[] = [stage.command, ...stage.positional.map((p) => substitute(p, scope, where))];
  for (const [key, value] of Object.entries(stage.args)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === false) continue;
      argv.push(`--${key}`);
      if (v !== true) argv.push(substitute(String(v), scope, where));
    }
  }
  return argv;
}
