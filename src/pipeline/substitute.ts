import { InvalidInputError } from '../core/errors/invalid-input-error.ts';

/** Values available to `${…}` references while a recipe runs. */
export interface SubstitutionScope {
  workdir: string;
  /** The running stage's own folder (`${dir}`). */
  dir?: string;
  vars: Record<string, string | number>;
  /** Per finished stage: `dir` plus whatever the stage reported (e.g. `url` for serve). */
  stages: Record<string, Record<string, string>>;
}

const REF = /\$\{([a-zA-Z0-9_.-]+)\}/g;
const ENV_REF = /\$\{env\.([a-zA-Z0-9_]+)\}/g;

/** A variable's value with `${env.NAME}` inside it replaced (a variable may default to `${env.HOME}/…`). */
function expandEnv(value: string | number | undefined): string | number | undefined {
  if (typeof value !== 'string') return value;
  return value.replace(ENV_REF, (whole, name: string) => process.env[name] ?? whole);
}

/** Stage ids referenced as `${stages.ID.…}` in a string. */
export function referencedStages(text: string): string[] {
  return [...text.matchAll(REF)]
    .map((m) => m[1] ?? '')
    .filter((p) => p.startsWith('stages.'))
    .map((p) => p.split('.')[1] ?? '');
}

/** Replace `${workdir}`, `${vars.X}`, `${env.NAME}` and `${stages.ID.KEY}` in a string; unknown references are an error. */
export function substitute(text: string, scope: SubstitutionScope, where: string): string {
  return text.replace(REF, (_, path: string) => {
    const parts = path.split('.');
    let value: string | number | undefined;
    if (parts[0] === 'workdir' && parts.length === 1) value = scope.workdir;
    else if (parts[0] === 'dir' && parts.length === 1) value = scope.dir;
    else if (parts[0] === 'vars' && parts.length === 2) value = expandEnv(scope.vars[parts[1] ?? '']);
    else if (parts[0] === 'env' && parts.length === 2) value = process.env[parts[1] ?? ''];
    else if (parts[0] === 'stages' && parts.length === 3)
      value = scope.stages[parts[1] ?? '']?.[parts[2] ?? ''];
    if (value === undefined) {
      throw new InvalidInputError(`Unknown reference \${${path}} in ${where}`, {
        hint: 'use ${workdir}, ${dir}, ${vars.NAME}, ${env.NAME} (a set environment variable) or ${stages.ID.dir|url} of an earlier stage',
      });
    }
    return String(value);
  });
}

/**
 * Replace only `${workdir}`, `${dir}`, `${vars.X}` and `${env.NAME}` (what is known before any stage runs), leaving stage
 * references as written. Fingerprints use this, so a changed variable reruns the stages that use it, while a
 * server's random port does not.
 */
export function substituteStatic(
  text: string,
  scope: Pick<SubstitutionScope, 'workdir' | 'dir' | 'vars'>,
): string {
  return text.replace(REF, (whole, path: string) => {
    const parts = path.split('.');
    if (parts[0] === 'workdir' && parts.length === 1) return scope.workdir;
    if (parts[0] === 'dir' && parts.length === 1 && scope.dir !== undefined) return scope.dir;
    if (parts[0] === 'env' && parts.length === 2) return process.env[parts[1] ?? ''] ?? whole;
    if (parts[0] === 'vars' && parts.length === 2) {
      const v = expandEnv(scope.vars[parts[1] ?? '']);
      if (v !== undefined) return String(v);
    }
    return whole;
  });
}
