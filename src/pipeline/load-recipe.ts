import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { validate } from '../core/validate.ts';
import { type Recipe, RecipeSchema } from './recipe-schema.ts';
import { referencedStages } from './substitute.ts';

function readRaw(path: string, depth = 0): Record<string, unknown> {
  if (!existsSync(path))
    throw new NotFoundError('recipe', `Recipe ${path} not found`, { hint: 'see recipes/ for examples' });
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidInputError(
      `Recipe ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidInputError(`Recipe ${path} must be a mapping`);
  const own = raw as Record<string, unknown>;
  if (typeof own.extends !== 'string') return own;
  if (depth > 4) throw new InvalidInputError(`Recipe ${path}: 'extends' nests too deeply`);
  // `extends: base.yaml` reuses the base's stages; vars merge (own wins), other keys replace.
  const base = readRaw(resolve(dirname(path), own.extends), depth + 1);
  const { extends: _, ...rest } = own;
  return {
    ...base,
    ...rest,
    vars: { ...(base.vars as object | undefined), ...(rest.vars as object | undefined) },
  };
}

/**
 * Read and validate a recipe file (YAML or JSON). `extends: other.yaml` reuses another recipe's stages with
 * overridden vars/name/workdir; `overrides` replace vars (`distill run --var`). References to earlier stages
 * become `needs`.
 */
export function loadRecipe(path: string, overrides: Record<string, string> = {}): Recipe {
  const raw = readRaw(path);
  raw.vars = { ...(raw.vars as object | undefined), ...overrides };
  const recipe = validate(RecipeSchema, raw, `recipe ${path}`);
  for (const stage of recipe.stages) {
    const text = JSON.stringify([stage.positional, stage.args]);
    for (const ref of referencedStages(text)) {
      if (!recipe.stages.some((s) => s.id === ref)) {
        throw new InvalidInputError(`Stage '${stage.id}' of ${path} references unknown stage '${ref}'`);
      }
      if (!stage.needs.includes(ref)) stage.needs.push(ref);
    }
  }
  return recipe;
}
