import { type Spawned, spawnDistillServer } from './spawn-serve.ts';

export type SpawnedStudio = Spawned<{
  url: string;
  studio: string | null;
  store: string | null;
  models: string[];
  web: string;
}>;

/** Start `distill studio … --port 0 --json` in `cwd` (default: a folder without models) and wait for its JSON line. */
export function spawnStudio(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<SpawnedStudio> {
  return spawnDistillServer('studio', args, {
    cwd: options.cwd,
    env: { DISTILL_STORE: '', ...options.env },
    startMs: 90_000,
  });
}
