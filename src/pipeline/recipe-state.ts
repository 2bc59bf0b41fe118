import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { StoreError } from '../core/errors/store-error.ts';

export const StageStateSchema = z.object({
  fingerprint: z.string(),
  status: z.enum(['done', 'failed', 'running']),
  startedAt: z.string(),
  wallMs: z.number(),
  result: z.record(z.string(), z.string()).default({}),
  error: z.string().optional(),
});
export type StageState = z.infer<typeof StageStateSchema>;

const StateFileSchema = z.object({ version: z.literal(1), stages: z.record(z.string(), StageStateSchema) });
export type RecipeStateFile = z.infer<typeof StateFileSchema>;

/** The resumability ledger of a recipe: one JSON file in its workdir, written atomically after each stage. */
export class RecipeState {
  private readonly path: string;
  private data: RecipeStateFile;

  constructor(workdir: string) {
    this.path = join(workdir, 'recipe-state.json');
    this.data = { version: 1, stages: {} };
    if (existsSync(this.path)) {
      const parsed = StateFileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (!parsed.success) {
        throw new StoreError(`Recipe state ${this.path} is unreadable`, {
          hint: 'delete it to rerun every stage',
        });
      }
      this.data = parsed.data;
    }
  }

  get(id: string): StageState | undefined {
    return this.data.stages[id];
  }

  set(id: string, state: StageState): void {
    this.data.stages[id] = state;
    writeFileAtomic(this.path, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
