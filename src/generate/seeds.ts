import { stableId } from '../core/hash.ts';

/** The seed of sample `sampleIdx` of a problem: distinct per sample, reproducible from the run's base seed. */
export function sampleSeed(baseSeed: number, problemId: string, sampleIdx: number): number {
  return Number.parseInt(stableId('seed', baseSeed, problemId, sampleIdx).slice(0, 8), 16) & 0x7fffffff;
}
