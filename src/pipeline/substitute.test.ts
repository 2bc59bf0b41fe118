import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { loadRecipe } from './load-recipe.ts';
import { substitute, substituteStatic } from './substitute.ts';

describe('${env.NAME} in recipes', () => {
  const scope = { workdir: '/w', vars: { base: '${env.DISTILL_TEST_HOME}/m.gguf', n: 3 }, stages: {} };

  it('expands an environment variable in a value and inside a variable', () => {
    process.env.DISTILL_TEST_HOME = '/home/u';
    expect(substitute('${env.DISTILL_TEST_HOME}/x', scope, 'here')).toBe('/home/u/x');
    expect(substitute('--base ${vars.base}', scope, 'here')).toBe('--base /home/u/m.gguf');
    expect(substituteStatic('${vars.base}', scope)).toBe('/home/u/m.gguf');
  });

  it('an unset variable is an unknown reference', () => {
    delete process.env.DISTILL_TEST_UNSET;
    expect(() => substitute('${env.DISTILL_TEST_UNSET}', scope, 'here')).toThrow(InvalidInputError);
  });

  it('recipes/smollm2.yaml loads; its base defaults under $HOME', () => {
    const recipe = loadRecipe(fileURLToPath(new URL('../../recipes/smollm2.yaml', import.meta.url)));
    expect(recipe.vars.base).toBe('${env.HOME}/.cache/distill/models/SmolLM2-135M-Instruct.Q4_1.gguf');
    expect(substituteStatic(String(recipe.vars.base), { workdir: '/w', vars: {} })).toBe(
      `${process.env.HOME}/.cache/distill/models/SmolLM2-135M-Instruct.Q4_1.gguf`,
    );
    expect(recipe.stages.map((s) => s.id)).toContain('eval-base');
  });
});
