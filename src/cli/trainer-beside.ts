import type { Recipe, Stage } from '../pipeline/recipe-schema.ts';
import { ensureVenv } from '../train/venv.ts';

export interface TrainerBeside {
  /** For runRecipe's `beforeStage`: a train stage waits until the venv is ready (or fails with its error). */
  beforeStage: (stage: Stage) => Promise<void>;
  /** Stop a build still running (the recipe ended or failed first) and wait for it to clean up. */
  stop: () => Promise<void>;
}

/**
 * Build the trainer's venv (first run on a machine: torch from PyPI, mostly network and disk) beside a recipe's
 * first stages instead of before them, so that it overlaps the teacher's generation; train stages wait for it.
 * A recipe without a train stage builds nothing.
 */
export function trainerBeside(
  recipe: Recipe,
  signal: AbortSignal,
  say: (message: string) => void,
): TrainerBeside {
  if (!recipe.stages.some((s) => s.command === 'train'))
    return { beforeStage: async () => {}, stop: async () => {} };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const ready = ensureVenv({ signal: controller.signal, onProgress: say });
  // Observed by the first train stage, or by stop(); never an unhandled rejection.
  ready.catch(() => {});
  return {
    beforeStage: async (stage) => {
      if (stage.command === 'train') await ready;
    },
    stop: async () => {
      signal.removeEventListener('abort', onAbort);
      controller.abort();
      await ready.catch(() => {});
    },
  };
}
