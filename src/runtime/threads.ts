import { availableParallelism, loadavg } from 'node:os';

/**
 * CPU threads for decoding a model of `params` parameters: `DISTILL_THREADS` if set; 1 below 100M parameters
 * (ggml's thread barriers cost more than a tiny model's matmuls, and stall on busy shared cores); else the cores
 * not already busy (by the 1-minute load average), at most 8 — CPU decode is compute-bound, so every free core
 * adds throughput until memory bandwidth caps it.
 */
export function chooseThreads(
  params: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
  load = loadavg()[0] ?? 0,
): number {
  const fromEnv = Number(env.DISTILL_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (params < 100_000_000) return 1;
  const free = Math.max(1, Math.round(cores - load));
  return Math.max(1, Math.min(8, free, cores));
}
