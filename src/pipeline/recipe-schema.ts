import { z } from 'zod';

/** `distill` commands a recipe stage may run. */
export const STAGE_COMMANDS = [
  'serve',
  'generate',
  'curate',
  'export',
  'train',
  'quantize',
  'eval',
  'compare',
  'audit',
  'tasks',
] as const;

const ArgValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

export const StageSchema = z
  .object({
    /** Unique stage id; also the name of its folder under the recipe's workdir. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
    /** The distill command this stage runs, e.g. `generate`. */
    command: z.enum(STAGE_COMMANDS),
    /** Positional arguments, e.g. `[eval]` for `tasks export`, or a run name. */
    positional: z.array(z.string()).default([]),
    /** Options passed as `--key value` (`true` → `--key`, `false` → omitted, arrays repeat the flag). */
    args: z.record(z.string(), ArgValueSchema).default({}),
    /** Stages whose results this one uses. References `${stages.ID.…}` add themselves. */
    needs: z.array(z.string()).default([]),
    /** Files or folders (relative to workdir) this stage produces; a skipped stage must still have them. */
    outputs: z.array(z.string()).default([]),
    /**
     * Start as soon as the stages this one uses (`needs`, and `${stages.ID.…}` references) are done, beside the
     * stages before it, instead of after all of them. Stages after it wait for it as usual. Defaults to false.
     */
    parallel: z.boolean().default(false),
    /** A failure of this stage does not stop the recipe. Defaults to false. */
    optional: z.boolean().default(false),
    /** Human description shown in the progress display. */
    title: z.string().optional(),
  })
  .strict();
export type Stage = z.infer<typeof StageSchema>;

export const RecipeSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Folder for the recipe's outputs and state, relative to the recipe file's folder's parent (the project). */
    workdir: z.string().min(1),
    /** Variables usable as `${vars.NAME}`. */
    vars: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    stages: z.array(StageSchema).min(1),
    /** Markdown printed at the end, with `${…}` substitution (e.g. the chat command for the student). */
    summary: z.string().optional(),
  })
  .strict()
  .superRefine((recipe, ctx) => {
    const ids = new Set<string>();
    recipe.stages.forEach((stage, i) => {
      if (ids.has(stage.id))
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'id'],
          message: `duplicate stage id '${stage.id}'`,
        });
      for (const need of stage.needs) {
        if (!ids.has(need))
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'needs'],
            message: `'${need}' must be an earlier stage`,
          });
      }
      ids.add(stage.id);
    });
  });
export type Recipe = z.infer<typeof RecipeSchema>;
