import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { validate } from '../core/validate.ts';
import { type Recipe, RecipeSchema } from './recipe-schema.ts';
import { referencedStages } from './substitute.ts';

/** Read and validate a recipe file (YAML or JSON). References to earlier stages become `needs`. */
export function loadRecipe(path: string): Recipe {
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
